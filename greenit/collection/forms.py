from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.core import categories
from greenit.core.forms import LineFormSet
from greenit.donations import services as donation_services

from .models import BoxReport, CollectionBox


class ReportForm(forms.Form):
    kind = forms.ChoiceField(choices=BoxReport.Kind.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Anything else? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BoxFilterForm(forms.Form):
    REPORTED = "reported"

    status = forms.ChoiceField(
        label=_("State"),
        choices=[
            ("", _("Any state")),
            (REPORTED, _("Reported full or damaged, not seen to")),
            *CollectionBox.Status.choices,
        ],
        required=False,
    )

    def filter(self, boxes):
        """The boxes in the chosen state; "reported" are those the staff home counts."""
        if not self.is_valid() or not self.cleaned_data["status"]:
            return boxes
        if self.cleaned_data["status"] == self.REPORTED:
            return boxes.reported()
        return boxes.filter(status=self.cleaned_data["status"])


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateField(
        label=_("Empty on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Who empties it"), queryset=None, required=False, empty_label=_("Not decided")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = donation_services.drivers()


def _category_choices():
    return [("", "—"), *categories.choices()]


class WeightForm(forms.Form):
    """One line of an emptying. Lines left wholly empty are ignored; a line half filled in is
    refused, naming the line, so nothing is guessed."""

    category = forms.ChoiceField(label=_("Category"), choices=_category_choices, required=False)
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"), min_value=0, max_digits=9, decimal_places=2, required=False
    )
    devices = forms.IntegerField(
        label=_("Devices to bring in"),
        min_value=0,
        required=False,
        help_text=_("Whole devices found in the box, to scan in at intake."),
    )

    def __init__(self, *args, line: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) not in (None, "") for name in self.fields)

    def clean(self):
        data = super().clean()
        if self.is_blank or self.errors:
            return data
        line = {"n": self.line}
        if not data.get("category"):
            self.add_error(
                "category",
                _("Line %(n)s: choose the category, or leave the whole line empty.") % line,
            )
        if data.get("weight_kg") is None:
            self.add_error(
                "weight_kg",
                _("Line %(n)s: give the weight in kilograms, or leave the whole line empty.")
                % line,
            )
        return data


class BaseWeightFormSet(LineFormSet):
    @property
    def used(self) -> list[WeightForm]:
        """The lines filled in (after is_valid())."""
        return [f for f in self.forms if f.cleaned_data and not f.is_blank]


WeightFormSet = forms.formset_factory(WeightForm, formset=BaseWeightFormSet, extra=3, max_num=30)


class EmptyingForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BoxForm(forms.ModelForm):
    """Place a box, or move it, rename its site, put it back in service or remove it."""

    status = forms.ChoiceField(
        label=_("State"),
        choices=[
            ("", _("Leave as it is")),
            (CollectionBox.Status.OK, _("In service (seen to: closes open reports)")),
            (CollectionBox.Status.REMOVED, _("Removed")),
        ],
        required=False,
    )

    class Meta:
        model = CollectionBox
        fields = ["code", "host", "site", "province", "city", "district", "street", "placed_on"]
        widgets = {"placed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = self.fields["host"].queryset.order_by("name")
        if self.instance.pk:
            del self.fields["code"]  # printed on the sticker: a new code is a new box
        else:
            del self.fields["status"]
