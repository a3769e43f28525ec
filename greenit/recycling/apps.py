from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecyclingConfig(AppConfig):
    name = "greenit.recycling"
    verbose_name = _("Recycling")
