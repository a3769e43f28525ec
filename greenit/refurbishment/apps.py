from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefurbishmentConfig(AppConfig):
    name = "greenit.refurbishment"
    label = "refurbishment"
    verbose_name = _("Refurbishment")
