from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        help_text=_(
            "An nwipe log or PDF certificate, an eReuse Workbench snapshot, a greenit-wipe"
            " inventory or peracotta's JSON."
        ),
    )
    tag = forms.CharField(
        label=_("Asset tag"),
        max_length=20,
        required=False,
        help_text=_("Scan the device's tag; leave empty to find the device by its serials."),
    )


class TagForm(forms.Form):
    asset_tag = forms.CharField(label=_("Asset tag of the device"), max_length=20)


class AssignForm(TagForm):
    serial = forms.CharField(
        label=_("Serial number of the medium"),
        max_length=100,
        required=False,
        help_text=_("Leave empty when the device has one medium."),
    )


class MergeForm(forms.Form):
    kept = forms.CharField(label=_("Asset tag to keep"), max_length=20)
    duplicate = forms.CharField(label=_("Asset tag of the duplicate"), max_length=20)
    reason = forms.CharField(
        label=_("Why they are one device"), widget=forms.Textarea, required=False
    )
