/* greenit's page behaviour, in one file served from our origin: the Content Security Policy
   (script-src 'self') runs no inline script, no onclick="…" and no hx-on, so every page says
   what it wants with data- attributes and this file does it.

   data-print                    a button that prints the page
   data-after-request-clear="#id"  after a successful htmx request of this form, empty that
                                 field and put the cursor back in it (the intake screen)
   data-error-summary            a form came back with errors: the summary takes the focus,
                                 so a screen reader reads it first, and each of its links puts
                                 the cursor in its field with the field's label in view
   data-add-row="prefix"         "Add another": a copy of the formset's empty row (its
                                 <template id="prefix-empty-row">) goes after the last row
   data-nav-group                a menu group (<details>): one open at a time; Escape or a
                                 click elsewhere closes it
   data-select-all="name"        a tick box (hidden until this file shows it) that ticks or
                                 clears every box called name in its form; it shows itself
                                 ticked, clear or part-ticked as those boxes are */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
    const link = event.target.closest("[data-error-summary] a[href^='#']");
    if (link) {
      const target = document.getElementById(link.getAttribute("href").slice(1));
      const input = target && (target.matches("input, select, textarea, button")
        ? target : target.querySelector("input, select, textarea"));
      if (input) {
        event.preventDefault();
        const holder = input.closest(".field, fieldset") || input;
        holder.scrollIntoView();
        input.focus({ preventScroll: true });
      }
    }
  });

  function closeMenus(except) {
    for (const group of document.querySelectorAll("details[data-nav-group][open]")) {
      if (group !== except) {
        group.open = false;
      }
    }
  }

  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details[data-nav-group]"));
  });

  document.addEventListener("keydown", function (event) {
    const open = event.key === "Escape" && event.target.closest("details[data-nav-group][open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });

  function addRow(prefix) {
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const most = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    const template = document.getElementById(prefix + "-empty-row");
    const rows = document.querySelector("[data-formset-rows='" + prefix + "']");
    const index = Number(total.value);
    if (most && index >= Number(most.value)) {
      return;
    }
    const html = template.innerHTML.replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const first = rows.lastElementChild.querySelector("input, select, textarea");
    if (first) {
      first.focus();
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-add-row]");
    if (button) {
      addRow(button.dataset.addRow);
    }
  });

  function boxesOf(all) {
    return all.form.querySelectorAll("input[type=checkbox][name='" + all.dataset.selectAll + "']");
  }

  function showSelectAll(all) {
    const boxes = Array.from(boxesOf(all));
    const ticked = boxes.filter(function (box) { return box.checked; }).length;
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }

  document.addEventListener("change", function (event) {
    const all = event.target.closest("[data-select-all]");
    if (all) {
      for (const box of boxesOf(all)) {
        box.checked = all.checked;
      }
      return;
    }
    const form = event.target.form;
    const other = form && form.querySelector("[data-select-all='" + event.target.name + "']");
    if (other) {
      showSelectAll(other);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    for (const button of document.querySelectorAll("[data-add-row]")) {
      button.hidden = false;
    }
    for (const all of document.querySelectorAll("[data-select-all]")) {
      all.hidden = false;
      showSelectAll(all);
    }
    const summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
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
