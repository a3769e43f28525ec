from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "greenit.core"
    label = "core"
