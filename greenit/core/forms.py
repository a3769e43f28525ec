from django import forms
from django.utils.translation import gettext_lazy as _


def honeypot_field() -> forms.CharField:
    """A field people never see or reach (the template hides it and takes it out of the tab
    order); bots that fill every field give themselves away. Public forms name it `website`."""
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
