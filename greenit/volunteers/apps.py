from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "greenit.volunteers"
    verbose_name = "Volunteers"
