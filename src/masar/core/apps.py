from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masar.core"
    label = "core"
    verbose_name = "Masar core"

    def ready(self) -> None:
        from masar.core.metrics import snapshot  # noqa: F401 - registers core.metrics_refresh
