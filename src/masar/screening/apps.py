from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "masar.screening"
    label = "screening"
    verbose_name = "Security screening"

    def ready(self) -> None:
        from masar.screening import (
            events,  # noqa: F401 - registers the event types
            periodic,  # noqa: F401 - registers the periodic jobs
        )
