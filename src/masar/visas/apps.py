from django.apps import AppConfig


class VisasConfig(AppConfig):
    name = "masar.visas"
    label = "visas"
    verbose_name = "E-visas"

    def ready(self) -> None:
        from masar.applications.states import transition_after_commit
        from masar.visas import (
            events,  # noqa: F401 - registers the event types
            periodic,  # noqa: F401 - registers the lapse job
        )
        from masar.visas.services.issuance import issuance_task_enqueue

        # Issue right after approval: an officer's decision, or the system's when the
        # season decides automatically. Screening needs no knowledge of visas.
        transition_after_commit("approve", issuance_task_enqueue)
