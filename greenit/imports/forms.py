from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.donations.models import Donation

from .mapping import FIELDS, column_name
from .models import KEEP, SKIP
from .reading import check_size


class ImportUploadForm(forms.Form):
    donation = forms.ModelChoiceField(label=_("Donation"), queryset=Donation.objects.none())
    file = forms.FileField(
        label=_("Asset list"),
        help_text=_(
            "CSV or XLSX from your asset system, one device per row, column names in line 1."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donation"].queryset = (
            Donation.objects.visible_to(user)
            .exclude(status__in=[Donation.Status.DECLINED, Donation.Status.CLOSED])
            .select_related("donor_organisation")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_size(upload.size)  # before reading it; the service checks again
        return upload


class MappingForm(forms.Form):
    """One select per column of the file: which of our fields it holds, else kept with each
    device as a detail, or not imported."""

    def __init__(self, *args, headers: list[str], fields: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (KEEP, _("Kept as a detail of the device")),
            (SKIP, _("Not imported")),
            *((f.name, f.label) for f in FIELDS),
        ]
        for i, header in enumerate(headers):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=_("Column %(letter)s “%(header)s”")
                % {"letter": column_name(i), "header": header or "—"},
                choices=choices,
                required=False,
                initial=fields[i] if i < len(fields) else "",
            )

    def chosen(self) -> list[str]:
        return [self.cleaned_data[f"col_{i}"] for i in range(len(self.fields))]
