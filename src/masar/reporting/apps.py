from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "masar.reporting"
    label = "reporting"
    verbose_name = "Reporting and open data"
