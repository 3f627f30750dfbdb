from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "masar.compliance"
    label = "compliance"
    verbose_name = "Operator compliance"

    def ready(self) -> None:
        from masar.applications.states import transition_after_commit
        from masar.compliance import (
            events,  # noqa: F401 - registers the event types
            periodic,  # noqa: F401 - registers the sweep
        )
        from masar.compliance.tasks import overstay_violations_enqueue

        # Raise the overstay violations as soon as the border sweep has committed; the
        # periodic sweep catches anything a lost task missed.
        transition_after_commit("overstay", overstay_violations_enqueue)
