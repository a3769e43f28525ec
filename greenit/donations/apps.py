from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "greenit.donations"
    label = "donations"
