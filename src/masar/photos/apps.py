from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "masar.photos"
    label = "photos"
    verbose_name = "Pilgrim photos"

    def ready(self) -> None:
        from masar.photos import (
            eligibility,  # noqa: F401 - registers the photo rule
            periodic,  # noqa: F401 - registers the periodic jobs
        )
