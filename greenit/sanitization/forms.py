import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.accounts.models import User
from greenit.accounts.permissions import staff_who_may

from .models import SampleResult, SanitizationPolicy, SanitizationRecord, StorageMedium

UNITS = {
    "": 1,
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "字节": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "兆": 10**6,
    "千兆": 10**9,
    "g": 10**9,
    "gb": 10**9,
    "吉": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "太": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_CAPACITY = re.compile(r"\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([^\s0-9.,]*)\s*")


def parse_capacity(text: str) -> int | None:
    """'500 GB', '1TB', '465.8 GiB', '256G', '500吉字节' or a number of bytes → bytes.
    None when blank; ValueError when it cannot be read or a small number has no unit.
    Full-width characters, as a Chinese input method types them ('５００Ｇ'), read the same."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    match = _CAPACITY.fullmatch(text)
    if not match:
        raise ValueError(text)
    unit = match[2].lower()
    if unit != "字节":
        unit = unit.removesuffix("字节")  # 吉字节, 千兆字节
    if unit not in UNITS:
        raise ValueError(text)
    try:
        number = Decimal(match[1].replace(",", ""))  # 500,107,862,016 bytes
    except InvalidOperation:
        raise ValueError(text) from None
    if not match[2] and number < 10**6:
        raise ValueError(text)  # "500" alone: 500 bytes or 500 GB? Ask for the unit.
    return int(number * UNITS[unit])


def capacity_text(size: int | None) -> str:
    """Bytes as the drive's label says it (decimal units): 500107862016 → '500.1 GB'."""
    if not size:
        return "—"
    for unit, factor in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= factor:
            return f"{Decimal(size) / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def capacity_stored(size: int | None) -> str:
    """The capacity as it is stored, beside its reading: '500 GB (500,000,000,000 bytes)'."""
    if not size:
        return "—"
    return _("%(size)s (%(bytes)s bytes)") % {"size": capacity_text(size), "bytes": f"{size:,}"}


class CapacityField(forms.Field):
    widget = forms.TextInput(attrs={"maxlength": "40", "inputmode": "decimal"})

    default_error_messages = {
        "invalid": _("Give the capacity with its unit, for example 500 GB, 1 TB or 465.8 GiB."),
    }

    def to_python(self, value):
        try:
            return parse_capacity(str(value) if value not in self.empty_values else "")
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class MediumForm(forms.ModelForm):
    capacity_bytes = CapacityField(
        label=_("Capacity"),
        required=False,
        help_text=_("With its unit, as on the drive's label: 500 GB, 1 TB, 465.8 GiB."),
    )

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
    # The record's "errors" field, under another name: a form field named "errors" hides
    # form.errors from templates (they look up form["errors"] first), so every fresh form
    # looked as if it had errors.
    error_log = forms.CharField(
        label=_("Errors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
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
            "validation",
            "validation_result",
            "result",
            "verifier",
            "witness",
            "location",
            "hpa_dco",
            "notes",
        ]
        widgets = {
            "started_at": DateTimeLocal(),
            "ended_at": DateTimeLocal(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "witness": _("Required for Destroy: the person who saw the medium destroyed."),
            "pattern": _("For an overwrite: zeros, random…"),
            "verification": _("NIST SP 800-88 Rev. 2: did the technique run as intended?"),
            "validation": _("NIST SP 800-88 Rev. 2: is the outcome good enough? Read it back."),
            "verifier": _("Another person than you."),
        }

    def __init__(self, *args, asset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["medium"].queryset = asset.media.all()
        self.fields["verifier"].queryset = staff_who_may("sanitize")

    def _post_clean(self):
        # The service validates the record (with the medium) when it stores it.
        pass


class PolicyForm(forms.Form):
    policy = forms.ModelChoiceField(
        label=_("Sanitization policy"),
        queryset=SanitizationPolicy.objects.all(),
        required=False,
        empty_label=_("The donor's or the default policy"),
    )


class SampleVerifyForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (SampleResult.PASSED, SampleResult.PASSED.label),
            (SampleResult.FAILED, SampleResult.FAILED.label),
        ],
    )
    method = forms.CharField(
        label=_("How you read it"),
        max_length=200,
        help_text=_("Tool and what you looked for, e.g. PhotoRec: no files recovered."),
    )
    notes = forms.CharField(
        label=_("What you found"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(label=_("Certificate PDF"))
