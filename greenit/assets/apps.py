from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "greenit.assets"
    label = "assets"
