from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masar.accounts"
    label = "accounts"
    verbose_name = "Organizations and people"
