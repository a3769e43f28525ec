from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.core.forms import honeypot_field
from greenit.core.personal import ConsentFields

from .models import PrivacyRequest


class RequestForm(ConsentFields, forms.ModelForm):
    """The public form on which a person asks to see, correct or erase their information."""

    consents = {"consent": "contact"}
    website = honeypot_field()

    class Meta:
        model = PrivacyRequest
        fields = ["kind", "name", "email", "phone", "details"]
        widgets = {
            "details": forms.Textarea(attrs={"rows": 5}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel"}),
        }
        help_texts = {
            "email": _("The address greenit knows you by: we answer there and search by it."),
            "details": _("Which consent, which correction, or anything that helps us find you."),
        }
        error_messages = {
            "kind": {"required": _("Choose what you ask for.")},
            "name": {"required": _("Tell us your name.")},
            "email": {
                "required": _("Give your e-mail address so that we can find you and answer."),
                "invalid": _("Write the e-mail address as name@example.com."),
            },
        }


class FindForm(forms.Form):
    q = forms.CharField(
        label=_("E-mail, phone or name"),
        max_length=200,
        help_text=_("Exactly as stored, upper or lower case alike, e.g. li.wei@example.com."),
        error_messages={"required": _("Type the person's e-mail, phone or name.")},
    )


class EraseForm(FindForm):
    confirm = forms.BooleanField(
        label=_("I checked the list: erase this person's information everywhere."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class CloseRequestForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done"),
        max_length=300,
        help_text=_("For example: exported and sent by e-mail; erased; corrected the phone."),
        error_messages={"required": _("Say what was done, e.g. exported and sent.")},
    )


class PhotoConsentForm(forms.Form):
    children_recognisable = forms.BooleanField(
        label=_("Children can be recognised in this photo"), required=False
    )
    by_guardian = forms.BooleanField(
        label=_("The parents or guardians of every child shown signed consent for this photo"),
        required=False,
    )
