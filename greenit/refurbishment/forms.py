from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.core.forms import LineFormSet

from .models import CHECKS, Check, Grade, SoftwareKit


class RefurbishmentForm(forms.Form):
    """The checklist, one pass / fail / not applicable radio group per check with a note;
    built from CHECKS so that the page, the API and the model list the same checks."""

    battery_health_percent = forms.IntegerField(
        label=_("Battery health (%)"), required=False, min_value=0, max_value=100
    )
    ram_gb = forms.DecimalField(
        label=_("RAM (GB)"), required=False, min_value=0.5, max_value=4096, decimal_places=1
    )
    software_kit = forms.ModelChoiceField(
        label=_("Software kit installed"),
        queryset=SoftwareKit.objects.filter(is_active=True),
        required=False,
        empty_label=_("None"),
        help_text=_("Required before a computer is marked ready."),
    )
    grade = forms.ChoiceField(
        label=_("Grade"), choices=Grade.choices, widget=forms.RadioSelect, required=True
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in CHECKS:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=Check.choices,  # nothing pre-answered: each check is answered
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("%(check)s: choose pass, fail or not applicable.")
                    % {"check": label}
                },
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("Note"), max_length=300, required=False
            )

    @property
    def checklist(self):
        return [(self[name], self[f"{name}_note"]) for name, _label in CHECKS]

    @classmethod
    def initial_from(cls, record) -> dict:
        """A new test keeps what was measured and noted last time, never its answers or grade:
        each check is answered again, so a device is not passed on the last test's word."""
        if record is None:
            return {}
        initial = {
            "battery_health_percent": record.battery_health_percent,
            "ram_gb": record.ram_gb,
            "software_kit": record.software_kit_id,
            "notes": record.notes,
        }
        for name, _label in CHECKS:
            initial[f"{name}_note"] = getattr(record, f"{name}_note")
        return initial


class PartForm(forms.Form):
    """One part used. A line without a part is skipped when nothing else is given (its
    quantity left at 1); with a note or another quantity it is refused, naming the line."""

    part = forms.CharField(label=_("Part"), max_length=200, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, line: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line

    def clean(self):
        data = super().clean()
        half_filled = data.get("note") or data.get("quantity") not in (None, 1)
        if not data.get("part") and half_filled and not self.errors:
            self.add_error(
                "part",
                _("Part %(n)s: name the part used, or leave the whole line empty.")
                % {"n": self.line},
            )
        return data


PartFormSet = forms.formset_factory(PartForm, formset=LineFormSet, extra=3, max_num=20)


class SoftwareKitForm(forms.ModelForm):
    class Meta:
        model = SoftwareKit
        fields = ["name", "name_zh", "version", "contents", "contents_zh", "is_active"]
        widgets = {
            "contents": forms.Textarea(attrs={"rows": 6}),
            "contents_zh": forms.Textarea(attrs={"rows": 6}),
        }
