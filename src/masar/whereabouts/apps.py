from django.apps import AppConfig


class WhereaboutsConfig(AppConfig):
    name = "masar.whereabouts"
    label = "whereabouts"
    verbose_name = "Whereabouts of pilgrims in the kingdom"

    def ready(self) -> None:
        from masar.whereabouts import (
            events,  # noqa: F401 - registers the event types
            periodic,  # noqa: F401 - registers the whereabouts sweep
        )
