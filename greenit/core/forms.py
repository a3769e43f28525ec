from django import forms
from django.core.exceptions import ValidationError
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
