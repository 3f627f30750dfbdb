from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "masar.applications"
    label = "applications"
    verbose_name = "Visa applications"
