from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "masar.reporting"
    label = "reporting"
    verbose_name = "Reporting and open data"

    def ready(self) -> None:
        from masar.reporting import (
            events,  # noqa: F401 - registers the event types
            periodic,  # noqa: F401 - registers the refresh and weekly-report jobs
        )
