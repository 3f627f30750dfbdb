from django.apps import AppConfig


class LodgingConfig(AppConfig):
    name = "masar.lodging"
    label = "lodging"
    verbose_name = "Accommodation and transport in the kingdom"

    def ready(self) -> None:
        from masar.lodging import (
            eligibility,  # noqa: F401 - registers the itinerary's eligibility rules
            events,  # noqa: F401 - registers the event types
        )
