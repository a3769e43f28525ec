from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.core.forms import honeypot_field
from greenit.core.personal import ConsentFields

from .models import Enquiry


class EnquiryForm(ConsentFields, forms.ModelForm):
    website = honeypot_field()
    consents = {"consent": "contact"}  # recorded with its text's version (privacy app)

    class Meta:
        model = Enquiry
        fields = ["topic", "name", "email", "phone", "organisation_name", "message"]
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel"}),
            "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
        }
        error_messages = {
            "topic": {"required": _("Choose what your message is about.")},
            "name": {"required": _("Tell us your name.")},
            "email": {
                "required": _("Give an e-mail address so that we can answer."),
                "invalid": _("Write the e-mail address as name@example.com."),
            },
            "message": {"required": _("Write your message.")},
        }


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Open (new or answered)"))] + Enquiry.Status.choices + [("all", _("All"))],
        required=False,
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("Any topic"))] + Enquiry.Topic.choices, required=False
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply by e-mail"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the reply before sending it.")},
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why close it"),
        max_length=300,
        help_text=_("For example: answered by phone, spam, passed to the classroom team."),
        error_messages={"required": _("Say why the enquiry is closed, e.g. answered by phone.")},
    )
