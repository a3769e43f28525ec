from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from greenit.accounts.models import Organisation

from .models import ImpactReport


class ReportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Donor or sponsor"),
        queryset=Organisation.objects.none(),
    )
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ImpactReport.Kind.choices)
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave both dates empty for all time."),
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(label=_("Language"), choices=ImpactReport.Language.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_staff_member:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                Q(is_donor=True) | Q(is_sponsor=True)
            )
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk=user.organisation_id
            )
            self.fields["organisation"].initial = user.organisation_id
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts: swap the dates."))
        return data


class FactorOverrideForm(forms.Form):
    key = forms.ChoiceField(label=_("Category or WARM material"))
    field = forms.ChoiceField(
        label=_("Factor"),
        choices=[
            ("weight_kg", _("Typical weight (kg)")),
            ("manufacturing_kg_co2e", _("Manufacturing footprint (kg CO2e)")),
            ("recycling", _("WARM recycling factor (MTCO2E per short ton)")),
            ("landfill", _("WARM landfill factor (MTCO2E per short ton)")),
            ("combustion", _("WARM combustion factor (MTCO2E per short ton)")),
        ],
    )
    value = forms.CharField(
        label=_("New value"),
        required=False,
        max_length=30,
        help_text=_("A number such as 1.65 or -0.79; empty means “not found”."),
    )
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, keys: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = keys


class PeriodForm(forms.Form):
    """A period (both days included; empty: open). Read from the query string."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave both dates empty for all time."),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts: swap the dates."))
        return data


class DisclosureForm(PeriodForm):
    """Whose waste: the whole organisation (staff, organisation left empty), or one donor's or
    sponsor's. A donor or sponsor contact sees their own organisation only."""

    organisation = forms.ModelChoiceField(
        label=_("Donor or sponsor"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The whole organisation"),
    )
    kind = forms.ChoiceField(
        label=_("As"), choices=ImpactReport.Kind.choices, initial=ImpactReport.Kind.DONOR
    )
    field_order = ["organisation", "kind", "start", "end"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        if user.is_staff_member:
            field.queryset = Organisation.objects.filter(Q(is_donor=True) | Q(is_sponsor=True))
        else:
            field.queryset = Organisation.objects.filter(pk=user.organisation_id)
            field.required, field.initial = True, user.organisation_id
            field.widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        org, kind = data.get("organisation"), data.get("kind")
        if org and kind and not getattr(org, f"is_{kind}", False):
            self.add_error(
                "kind",
                _("%(org)s is not a %(kind)s: choose the kind it is.")
                % {"org": org, "kind": ImpactReport.Kind(kind).label.lower()},
            )
        return data


class DonorForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Donor"), queryset=Organisation.objects.filter(is_donor=True)
    )
