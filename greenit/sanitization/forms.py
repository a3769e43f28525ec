from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.accounts.models import User
from greenit.accounts.permissions import staff_who_may

from .models import SanitizationRecord, StorageMedium


class MediumForm(forms.ModelForm):
    class Meta:
        model = StorageMedium
        fields = ["media_type", "interface", "manufacturer", "model", "serial", "capacity_bytes"]
        help_texts = {"interface": _("SATA, NVMe/PCIe, USB, eMMC…")}


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RecordForm(forms.ModelForm):
    """A manual sanitization or a destruction (the wipe station posts its own through the
    API)."""

    medium = forms.ModelChoiceField(label=_("Medium"), queryset=StorageMedium.objects.none())
    verifier = forms.ModelChoiceField(
        label=_("Verifier"), queryset=User.objects.none(), required=False
    )

    class Meta:
        model = SanitizationRecord
        fields = [
            "medium",
            "nist_category",
            "technique",
            "pattern",
            "passes",
            "tool",
            "tool_version",
            "started_at",
            "ended_at",
            "bytes_written",
            "verification",
            "verification_result",
            "result",
            "verifier",
            "witness",
            "location",
            "errors",
            "hpa_dco",
            "notes",
        ]
        widgets = {
            "started_at": DateTimeLocal(),
            "ended_at": DateTimeLocal(),
            "errors": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "witness": _("Required for Destroy: the person who saw the medium destroyed."),
            "pattern": _("For an overwrite: zeros, random…"),
        }

    def __init__(self, *args, asset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["medium"].queryset = asset.media.all()
        self.fields["verifier"].queryset = staff_who_may("sanitize")

    def _post_clean(self):
        # The service validates the record (with the medium) when it stores it.
        pass


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(label=_("Certificate PDF"))
