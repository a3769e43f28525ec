from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The site above the apps: home pages, the menu's context and the demo. No models."""

    name = "greenit.home"
    label = "home"
