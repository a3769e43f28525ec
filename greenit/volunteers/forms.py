from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.core.forms import honeypot_field
from greenit.core.personal import ConsentFields

from . import services
from .models import Opportunity, Shift, SignUp, Skill

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SignUpForm(ConsentFields, forms.Form):
    """Sign up for a shift: a guest gives name and e-mail; someone logged in only the company."""

    # Recorded with their texts' versions (privacy app); sharing with a sponsor is optional.
    consents = {"consent": "volunteer", "consent_share": "share_sponsor"}

    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("We send a link to confirm the sign-up, and your private volunteer page."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        help_text=_("Only the staff on the day see it."),
    )
    company = forms.ModelChoiceField(
        label=_("Your company (if it sends you)"),
        queryset=services.company_choices(),
        required=False,
        empty_label=_("— none or not in the list —"),
    )
    company_name = forms.CharField(
        label=_("Or type your company's name"), max_length=200, required=False
    )
    website = honeypot_field()

    def __init__(self, *args, guest: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = services.company_choices()
        self.fields["company"].label_from_instance = lambda org: (
            org.name_en and f"{org.name} · {org.name_en}" or org.name
        )
        if guest:
            self.fields["name"].required = True
            self.fields["email"].required = True
            self.fields["name"].widget.attrs["autocomplete"] = "name"
            self.fields["email"].widget.attrs["autocomplete"] = "email"
        else:
            for name in ("name", "email", "website"):
                del self.fields[name]


class OpportunityForm(forms.ModelForm):
    skills = forms.MultipleChoiceField(
        label=_("Skills wanted"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "title_en",
            "title_zh",
            "description_en",
            "description_zh",
            "place",
            "province",
            "city",
            "district",
            "street",
            "project",
            "skills",
            "published",
        ]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_zh": forms.Textarea(attrs={"rows": 4}),
        }


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["starts_at", "ends_at", "capacity"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["capacity"].widget.attrs["min"] = 1


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        label=_("Attendance"), choices=SignUp.Attendance.choices, widget=forms.RadioSelect
    )
    arrived_at = forms.TimeField(
        label=_("Arrived at (if late)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    hours = forms.DecimalField(
        label=_("Or hours (if late)"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
    )


class AdjustForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours to credit"), min_value=0, max_value=24, max_digits=5, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data


class TeamForm(forms.Form):
    places = forms.IntegerField(
        label=_("Places for your team"),
        min_value=1,
        max_value=500,
        help_text=_("Your colleagues fill in their names later, through the team's link."),
    )


class TeamJoinForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Your private volunteer page and the reminder go there."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        help_text=_("Only the staff on the day see it."),
    )
    accepted = forms.BooleanField(
        label=_("I have read the code of conduct above and accept it."), required=False
    )


class WaiverForm(forms.Form):
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=services.company_choices(),
        required=False,
        empty_label=_("— our own code of conduct —"),
    )
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 6}))
    text_zh = forms.CharField(label=_("Text (Chinese)"), widget=forms.Textarea(attrs={"rows": 6}))
