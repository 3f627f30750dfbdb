from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "masar.training"
    label = "training"
    verbose_name = "Training programmes and certificates"

    def ready(self) -> None:
        from masar.training import (
            events,  # noqa: F401 - registers the event types
            periodic,  # noqa: F401 - registers the periodic jobs
        )
