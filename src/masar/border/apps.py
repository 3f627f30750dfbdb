from django.apps import AppConfig


class BorderConfig(AppConfig):
    name = "masar.border"
    label = "border"
    verbose_name = "Border e-track"

    def ready(self) -> None:
        from masar.border import (
            events,  # noqa: F401 - registers the event types
            periodic,  # noqa: F401 - registers the overstay sweep
        )
