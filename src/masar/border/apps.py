from django.apps import AppConfig


class BorderConfig(AppConfig):
    name = "masar.border"
    label = "border"
    verbose_name = "Border e-track"
