from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from greenit.accounts.models import Organisation
from greenit.core import categories
from greenit.core.forms import honeypot_field
from greenit.core.personal import ConsentFields
from greenit.donations.forms import MultipleFileField
from greenit.refurbishment.models import Grade, SoftwareKit

from .models import ClassroomProject, ClassroomSponsor, OpeningEvent, SchoolApplication

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplicationForm(ConsentFields, forms.ModelForm):
    """The public "apply for a classroom" form: anyone, no account."""

    consents = {"consent": "application"}  # recorded with its text's version (privacy app)

    photos = MultipleFileField(
        label=_("Photos of the room (optional)"),
        required=False,
        help_text=_("Up to 5 photos, JPEG, PNG or WebP."),
    )
    website = honeypot_field()

    class Meta:
        model = SchoolApplication
        fields = [
            "school_name",
            "school_type",
            "province",
            "city",
            "district",
            "street",
            "students_total",
            "students_by_grade",
            "teachers",
            "visually_impaired_students",
            "electricity",
            "internet",
            "has_room",
            "existing_computers",
            "contact_name",
            "contact_phone",
            "contact_email",
            "notes",
        ]
        widgets = {
            "students_by_grade": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("province", "city", "district"):
            self.fields[name].required = True


class ReviewForm(forms.Form):
    DECISIONS = [
        ("approve", _("Approve: create the school and its contact account")),
        ("more_info", _("Ask for more information")),
        ("decline", _("Decline")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Message to the school"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed to decline (the reason) or to ask for more information; sent with an "
            "approval too."
        ),
    )
    notes = forms.CharField(
        label=_("Review notes (staff only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ClassroomProject
        fields = [
            "name",
            "school",
            "seats",
            "target_opening",
            "software_kit",
            "needs_accessibility_kit",
            "kit_screen_reader",
            "kit_large_keys",
            "kit_headphones",
            "tracks_students",
            "learning_en",
            "learning_zh",
            "story_en",
            "story_zh",
        ]
        widgets = {
            "target_opening": DATE,
            "learning_en": forms.Textarea(attrs={"rows": 3}),
            "learning_zh": forms.Textarea(attrs={"rows": 3}),
            "story_en": forms.Textarea(attrs={"rows": 5}),
            "story_zh": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = Organisation.objects.filter(is_school=True)
        # Kits in use, and the one already chosen even if it was retired since.
        current = self.instance.software_kit_id
        self.fields["software_kit"].queryset = SoftwareKit.objects.filter(
            Q(is_active=True) | Q(pk=current)
        )


class SponsorForm(forms.ModelForm):
    class Meta:
        model = ClassroomSponsor
        fields = ["organisation", "amount", "currency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_sponsor=True)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ClassroomProject.Status.choices)


class AllocateCategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=categories.choices)
    count = forms.IntegerField(label=_("How many"), min_value=1, max_value=500)
    min_grade = forms.ChoiceField(
        label=_("Minimum grade"),
        choices=[(g.value, g.label) for g in (Grade.A, Grade.B, Grade.C)],
        initial=Grade.C,
    )


class AllocateTagsForm(forms.Form):
    codes = forms.CharField(
        label=_("Asset tags"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=_("Scan or type one tag a line."),
    )


class DeliveryForm(forms.Form):
    date = forms.DateField(label=_("Delivery date"), widget=DATE)
    received_by = forms.CharField(label=_("Received at the school by"), max_length=100)


class OpeningForm(forms.ModelForm):
    class Meta:
        model = OpeningEvent
        fields = ["date", "guests", "sponsor_representatives", "volunteers"]
        widgets = {
            "date": DATE,
            "guests": forms.Textarea(attrs={"rows": 2}),
            "sponsor_representatives": forms.Textarea(attrs={"rows": 2}),
            "volunteers": forms.Textarea(attrs={"rows": 2}),
        }


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP. The place and camera data are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200)


class CheckOpenForm(forms.Form):
    due_on = forms.DateField(
        label=_("The school answers by"),
        widget=DATE,
        help_text=_("After this date the check is overdue and the school is reminded."),
    )


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why may this school receive devices anyway?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
