"""The training app's periodic work (run by `masar tick`)."""

from __future__ import annotations

from datetime import timedelta

from masar.core.schedule import periodic_register


@periodic_register(
    "training.certificate_reminders",
    every=timedelta(days=1),
    description="Remind holders of certificates about to expire (once per threshold).",
)
def certificate_reminders_job() -> dict[str, int]:
    from masar.training.services import certificate_reminders_send

    run = certificate_reminders_send()
    return {"created": run.created, "sent": run.sent}
