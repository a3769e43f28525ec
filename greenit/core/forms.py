import contextlib

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def honeypot_field() -> forms.CharField:
    """A field people never see or reach (the template hides it and takes it out of the tab
    order); bots that fill every field give themselves away. Public forms name it `website`."""
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


def show_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: each message beside the field it names, the
    rest (and those about fields the form does not show) at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class refusals_on(contextlib.AbstractContextManager):
    """A page's face over a service, mirroring the API's exception handlers: a refusal
    (`ValidationError`, which `TransitionRefused` is) lands on the form, beside the field it
    names; `PermissionDenied` and `Http404` go on to Django's 403 and 404 pages.

        if form.is_valid():
            with refusals_on(form):
                services.thing_do(...)
                return redirect(...)
        return render(...)   # reached again when the service refused
    """

    def __init__(self, form: forms.BaseForm) -> None:
        self.form = form

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is not None and issubclass(kind, ValidationError):
            show_service_errors(self.form, error)
            return True
        return False


class refusals_as_messages(contextlib.AbstractContextManager):
    """The same for a button with no form (a POST that acts and redirects): a refusal becomes
    an error message on the next page.

        with refusals_as_messages(request):
            services.thing_do(...)
            messages.success(request, ...)
        return redirect(...)
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is not None and issubclass(kind, ValidationError):
            for message in error.messages:
                messages.error(self.request, message)
            return True
        return False
