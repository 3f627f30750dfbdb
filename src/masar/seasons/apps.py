from django.apps import AppConfig


class SeasonsConfig(AppConfig):
    name = "masar.seasons"
    label = "seasons"
    verbose_name = "Seasons, rules and quotas"
