from django.apps import AppConfig


class VisasConfig(AppConfig):
    name = "masar.visas"
    label = "visas"
    verbose_name = "E-visas"

    def ready(self) -> None:
        from masar.visas import (
            events,  # noqa: F401 - registers the event types
            periodic,  # noqa: F401 - registers the lapse job
            signals,  # noqa: F401 - issues a visa after every approval
        )
