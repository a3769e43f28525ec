from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.accounts.models import Organisation

from .models import Donation, DonationItem


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
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

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


ItemFormSet = forms.formset_factory(
    DonationItemForm, extra=4, min_num=1, validate_min=True, max_num=50
)
