from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "masar.integration"
    label = "integration"
    verbose_name = "Integration between agencies"
