from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "masar.integration"
    label = "integration"
    verbose_name = "Integration between agencies"

    def ready(self) -> None:
        from masar.integration import periodic  # noqa: F401 - registers the periodic jobs
