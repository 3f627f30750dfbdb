"""Background work of the training app (django.tasks on the database queue).

`certificate_reminders` is the daily job: schedule it once a day (cron or a systemd timer
running `masar training remind`, or anything that enqueues this task)."""

from __future__ import annotations

from django.tasks import task

from masar.core.context import Origin, origin_scope
from masar.training import services


@task(queue_name="default")
def certificate_reminders(days: list[int] | None = None) -> dict[str, int]:
    """Remind holders of certificates about to expire (idempotent)."""
    with origin_scope(Origin(channel="task", extra={"task": "training.certificate_reminders"})):
        run = services.certificate_reminders_send(thresholds=days)
    return {"created": run.created, "sent": run.sent}


@task(queue_name="default")
def promotion_notify(enrolment_id: int) -> None:
    """Mail a person who moved up from a waiting list."""
    services.promotion_notify(enrolment_id=enrolment_id)
