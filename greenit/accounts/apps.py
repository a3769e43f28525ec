from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "greenit.accounts"
    label = "accounts"
