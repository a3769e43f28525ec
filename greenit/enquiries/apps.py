from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    name = "greenit.enquiries"
    label = "enquiries"
    verbose_name = _("Enquiries")
