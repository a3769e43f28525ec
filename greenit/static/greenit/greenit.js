/* greenit's page behaviour, in one file served from our origin: the Content Security Policy
   (script-src 'self') runs no inline script, no onclick="…" and no hx-on, so every page says
   what it wants with data- attributes and this file does it.

   data-print                    a button that prints the page
   data-after-request-clear="#id"  after a successful htmx request of this form, empty that
                                 field and put the cursor back in it (the intake screen) */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.target.closest("[data-after-request-clear]");
    if (!form || !event.detail.successful) {
      return;
    }
    const field = document.querySelector(form.dataset.afterRequestClear);
    if (field) {
      field.value = "";
      field.focus();
    }
  });
})();
