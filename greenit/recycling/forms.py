from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.accounts.models import Organisation
from greenit.core import categories

from . import services
from .models import RecyclerLicence


class BatchCreateForm(forms.Form):
    recycler = forms.ModelChoiceField(
        label=_("Recycler"),
        queryset=Organisation.objects.none(),
        help_text=_("Only recyclers with a licence or certification valid today are listed."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recycler"].queryset = services.valid_recyclers()


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Asset tag or serial number"),
        max_length=100,
        help_text=_("Scan or type, then press Enter; the field is ready for the next device."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class LooseWeightForm(forms.Form):
    """One weight per category; mercury lamps are not offered (they never enter a batch)."""

    def __init__(self, *args, current: dict[str, object], **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in categories.choices(include_refused=False):
            self.fields[f"kg_{code}"] = forms.DecimalField(
                label=_("%(category)s (kg)") % {"category": label},
                required=False,
                min_value=0,
                max_digits=10,
                decimal_places=2,
                initial=current.get(code),
            )

    def weights(self):
        return [(name.removeprefix("kg_"), value or 0) for name, value in self.cleaned_data.items()]


class ShipForm(forms.Form):
    shipped_on = forms.DateField(
        label=_("Shipped on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    transporter = forms.CharField(label=_("Transporter"), max_length=200)
    vehicle = forms.CharField(label=_("Vehicle plate"), max_length=50, required=False)
    weight_ticket_kg = forms.DecimalField(
        label=_("Weight on the ticket (kg)"), min_value=0, max_digits=10, decimal_places=2
    )
    weight_ticket = forms.FileField(
        label=_("Weight ticket"),
        help_text=_("PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipped_on"].initial = timezone.localdate()


class CloseForm(forms.Form):
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=100)
    certificate = forms.FileField(
        label=_("Recycler's certificate of recycling"),
        help_text=_("PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class LicenceForm(forms.ModelForm):
    class Meta:
        model = RecyclerLicence
        fields = [
            "organisation",
            "kind",
            "number",
            "issuer",
            "valid_from",
            "expires_on",
            "document",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
        }
