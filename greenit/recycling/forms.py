from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.accounts.models import Organisation
from greenit.core import categories

from . import services
from .models import (
    DownstreamVendor,
    MaterialStream,
    RecyclerLicence,
    StreamShipment,
    StreamTier,
    VendorLicence,
)


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
    bill_of_lading = forms.CharField(
        label=_("Bill of lading"),
        max_length=100,
        required=False,
        help_text=_("Its number, or the transfer manifest's (转移联单) for hazardous waste."),
    )
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


class VendorForm(forms.ModelForm):
    prefix = "vendor"

    class Meta:
        model = DownstreamVendor
        fields = ["name", "country", "address"]


class VendorLicenceForm(forms.ModelForm):
    prefix = "licence"

    class Meta:
        model = VendorLicence
        fields = ["vendor", "kind", "number", "issuer", "valid_until"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"})}


class StreamForm(forms.ModelForm):
    prefix = "stream"

    class Meta:
        model = MaterialStream
        fields = ["recycler", "name", "focus_material"]


class _StreamChoice(forms.ModelForm):
    """A stream is named with its recycler: fetched with it, not one query per choice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stream"].queryset = MaterialStream.objects.select_related("recycler")


class TierForm(_StreamChoice):
    prefix = "tier"

    class Meta:
        model = StreamTier
        fields = ["stream", "tier", "vendor", "process", "final_disposition"]
        help_texts = {
            "tier": _("2 receives from the recycler, 3 from tier 2, and so on."),
            "final_disposition": _("Only for the last vendor, where the stream ends."),
        }


class StreamShipmentForm(_StreamChoice):
    prefix = "shipment"

    class Meta:
        model = StreamShipment
        fields = ["stream", "shipped_on", "weight_kg", "bill_of_lading"]
        widgets = {"shipped_on": forms.DateInput(attrs={"type": "date"})}
