from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.donations.forms import MultipleFileField

from . import services
from .models import Ticket


class TicketForm(forms.Form):
    asset = forms.ModelChoiceField(label=_("Device"), queryset=None, empty_label=None)
    symptom = forms.CharField(
        label=_("What is wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the device does or does not do, since when, and what you tried."),
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("Up to 5 photos, JPEG, PNG or WebP."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = services.school_devices(user).order_by("tag")
        self.fields["asset"].label_from_instance = lambda a: (
            f"{a.display_tag} · {a.category_label} {a.make} {a.model}".strip()
        )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("How was it resolved?"),
        choices=Ticket.Resolution.choices,
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Advice or repair notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The school reads this in the e-mail."),
    )
    parts = forms.CharField(label=_("Parts used (repair)"), max_length=300, required=False)
    replacement = forms.CharField(
        label=_("Replacement device (swap)"),
        max_length=100,
        required=False,
        help_text=_("Asset tag of a ready device of the same category."),
    )
