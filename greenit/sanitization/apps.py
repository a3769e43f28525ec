from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanitizationConfig(AppConfig):
    name = "greenit.sanitization"
    label = "sanitization"
    verbose_name = _("Data sanitization")
