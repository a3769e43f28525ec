from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.accounts.models import Organisation
from greenit.core import categories
from greenit.core.forms import LineFormSet, honeypot_field
from greenit.core.personal import ConsentFields

from . import services
from .models import Donation, DonationItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class DonationForm(forms.ModelForm):
    class Meta:
        model = Donation
        fields = [
            "donor_organisation",
            "donor_name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "province",
            "city",
            "district",
            "street",
            "preferred_from",
            "preferred_to",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "preferred_from": DATE,
            "preferred_to": DATE,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_staff_member:
            self.fields["donor_organisation"].queryset = Organisation.objects.filter(is_donor=True)
        else:
            del self.fields["donor_organisation"]
            del self.fields["donor_name"]

    def clean(self):
        data = super().clean()
        if "donor_name" in self.fields and not (
            data.get("donor_organisation") or data.get("donor_name", "").strip()
        ):
            self.add_error(
                "donor_name",
                _("Name the donor: choose an organisation or type the name of the person."),
            )
        return data


class DonationItemForm(forms.ModelForm):
    class Meta:
        model = DonationItem
        fields = ["category", "quantity", "description", "serials"]
        widgets = {"serials": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, line: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if line:
            self._name_the_line(line)

    def _name_the_line(self, line: int) -> None:
        """A line half filled in says which line and what it lacks; a line that may stay
        empty (all but the first) says so too."""
        n = {"n": line}
        if self.empty_permitted:
            category = _("Item %(n)s: choose the kind of device, or leave the whole line empty.")
            quantity = _("Item %(n)s: say how many, or leave the whole line empty.")
        else:
            category = _("Item %(n)s: choose the kind of device.")
            quantity = _("Item %(n)s: say how many.")
        self.fields["category"].error_messages["required"] = category % n
        self.fields["quantity"].error_messages["required"] = quantity % n


class BaseItemFormSet(LineFormSet):
    default_error_messages = {
        "too_few_forms": _("Add at least one item: choose its category and say how many."),
        "too_many_forms": _("Send at most %(num)d items in one offer; send the rest in another."),
    }


# Two empty rows to start with; "Add another item" adds more (up to 50).
ItemFormSet = forms.formset_factory(
    DonationItemForm, formset=BaseItemFormSet, extra=2, min_num=1, validate_min=True, max_num=50
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class PublicOfferForm(ConsentFields, forms.ModelForm):
    """The public "donate your old computers" form: anyone, no account."""

    consents = {"consent": "offer"}  # recorded with its text's version (privacy app)
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("Up to 5 photos, JPEG, PNG or WebP."),
    )
    website = honeypot_field()

    class Meta:
        model = Donation
        fields = [
            "donor_name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "province",
            "city",
            "district",
            "street",
            "preferred_from",
            "preferred_to",
            "notes",
        ]
        labels = {"donor_name": _("Organisation or your name")}
        help_texts = {"donor_name": ""}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "preferred_from": DATE,
            "preferred_to": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor_name"].required = True


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The donor reads this in the e-mail."),
    )


class PickupForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    window_start = forms.TimeField(label=_("From"), widget=TIME)
    window_end = forms.TimeField(label=_("Until"), widget=TIME)
    driver = forms.ModelChoiceField(label=_("Driver"), queryset=None)
    vehicle = forms.CharField(label=_("Vehicle"), max_length=50, required=False)
    province = forms.CharField(label=_("province"), max_length=50, required=False)
    city = forms.CharField(label=_("city"), max_length=50, required=False)
    district = forms.CharField(label=_("district / county"), max_length=50, required=False)
    street = forms.CharField(label=_("street address"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes for the driver"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = services.drivers()
        self.fields["driver"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error(
                "window_end", _("The window ends before it starts: give a later end time.")
            )
        return data


EXTRA_LINES = 2


class CollectionForm(forms.Form):
    """What was really taken: one count per offered category, two lines for anything else."""

    handed_over_by = forms.CharField(
        label=_("Handed over by"),
        max_length=100,
        help_text=_("Name of the person who handed the items over."),
    )
    weight_kg = forms.DecimalField(
        label=_("Weight collected (kg)"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.category}"] = forms.IntegerField(
                label=_("%(category)s taken (offered: %(n)s)")
                % {"category": line.category_label, "n": line.offered_quantity},
                min_value=0,
                initial=line.offered_quantity,
            )
        for n in range(EXTRA_LINES):
            self.fields[f"extra_category_{n}"] = forms.ChoiceField(
                label=_("Also taken, not offered: category"),
                choices=[("", "—")] + categories.choices(),
                required=False,
            )
            self.fields[f"extra_quantity_{n}"] = forms.IntegerField(
                label=_("How many"), min_value=1, required=False
            )

    def line_fields(self):
        return [self[f"line_{line.category}"] for line in self.lines]

    def extra_fields(self):
        return [
            (self[f"extra_category_{n}"], self[f"extra_quantity_{n}"]) for n in range(EXTRA_LINES)
        ]

    def clean(self):
        data = super().clean()
        collected = {line.category: data.get(f"line_{line.category}") or 0 for line in self.lines}
        for n in range(EXTRA_LINES):
            code, quantity = data.get(f"extra_category_{n}"), data.get(f"extra_quantity_{n}")
            if code and not quantity:
                self.add_error(f"extra_quantity_{n}", _("Say how many were taken."))
            elif quantity and not code:
                self.add_error(f"extra_category_{n}", _("Choose the category of these items."))
            elif code:
                try:
                    categories.validate_accepted(code)
                except forms.ValidationError as error:
                    self.add_error(f"extra_category_{n}", error)
                collected[code] = collected.get(code, 0) + quantity
        data["collected"] = collected
        return data


class ReceiptForm(forms.Form):
    """A draft receipt: the donor as printed, the project, and per line quantity,
    specification and declared value (the services check them again)."""

    donor = forms.CharField(label=_("Donor, as printed"), max_length=200)
    project = forms.CharField(
        label=_("Project"),
        max_length=200,
        required=False,
        help_text=_("The programme the gift supports, e.g. a school's computer classroom."),
    )

    def __init__(self, *args, receipt, **kwargs):
        kwargs.setdefault("initial", {"donor": receipt.donor, "project": receipt.project})
        super().__init__(*args, **kwargs)
        self.line_names = []
        for n, line in enumerate(receipt.lines):
            label = categories.category_label(line["category"])
            self.fields[f"quantity_{n}"] = forms.IntegerField(
                label=_("%(item)s: quantity") % {"item": label},
                min_value=1,
                max_value=1_000_000,
                initial=line["quantity"],
            )
            self.fields[f"specification_{n}"] = forms.CharField(
                label=_("%(item)s: specification") % {"item": label},
                max_length=200,
                required=False,
                initial=line["specification"],
            )
            self.fields[f"value_{n}"] = forms.DecimalField(
                label=_("%(item)s: declared value (yuan)") % {"item": label},
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                initial=line["value"],
                help_text=_("Leave empty when the donor declares none: the items named stand."),
            )
            self.line_names.append((f"quantity_{n}", f"specification_{n}", f"value_{n}"))

    def lines(self) -> list:
        from .receipts import LineInput

        data = self.cleaned_data
        return [
            LineInput(quantity=data[q], specification=data[s], value=data[v])
            for q, s, v in self.line_names
        ]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the receipt withdrawn?"), widget=forms.Textarea({"rows": 2})
    )
