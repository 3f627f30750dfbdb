from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "masar.applications"
    label = "applications"
    verbose_name = "Visa applications"

    def ready(self) -> None:
        from masar.applications import (
            events,  # noqa: F401 - registers the event types
            periodic,  # noqa: F401 - registers the periodic jobs
        )
