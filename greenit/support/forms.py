from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from greenit.classrooms.models import InventoryCheckLine
from greenit.core.templatetags.languages import lang_span
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


class CheckAnswerForm(forms.Form):
    """One group of fields per device of the check (`line-<asset id>-answer`, `-student_code`,
    `-note`, `-ticket`): the names the service's refusals use, so each lands beside its device.
    Nothing is required here; the service says which device lacks an answer."""

    photos = MultipleFileField(
        label=_("Photos of the classroom"),
        required=False,
        help_text=_(
            "Up to 5 photos, JPEG, PNG or WebP: the classroom with its devices in use. They "
            "are our proof that the devices arrived and are used."
        ),
    )

    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = []
        for line in check.lines.select_related("asset"):
            name = f"line-{line.asset_id}"
            asset = line.asset
            self.fields[f"{name}-answer"] = forms.ChoiceField(
                label=format_html(
                    "{} · {} {}",
                    asset.display_tag,
                    asset.category_label,
                    lang_span(f"{asset.make} {asset.model}".strip()),
                ),
                choices=InventoryCheckLine.Answer.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            group = [f"{name}-answer"]
            if check.project.tracks_students:
                self.fields[f"{name}-student_code"] = forms.CharField(
                    label=_("Student or class code"),
                    max_length=12,
                    required=False,
                    help_text=_("Such as 3-2-17 (grade, class, seat); never a child's name."),
                )
                group.append(f"{name}-student_code")
            self.fields[f"{name}-note"] = forms.CharField(
                label=_("What is wrong, or what happened (optional)"),
                max_length=300,
                required=False,
            )
            self.fields[f"{name}-ticket"] = forms.BooleanField(
                label=_("Broken: ask for repair (opens a support ticket)"), required=False
            )
            group += [f"{name}-note", f"{name}-ticket"]
            self.devices.append((asset, [self[f] for f in group]))

    def answers(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            asset.pk: {
                "answer": data.get(f"line-{asset.pk}-answer", ""),
                "student_code": data.get(f"line-{asset.pk}-student_code", ""),
                "note": data.get(f"line-{asset.pk}-note", ""),
            }
            for asset, _fields in self.devices
        }

    def tickets(self) -> set[int]:
        return {a.pk for a, _f in self.devices if self.cleaned_data.get(f"line-{a.pk}-ticket")}
