"""Background work of the screening app (Django tasks on the database queue).

`screen_application` runs on the `default` queue, so a plain `masar worker` screens; each
worker process keeps the list indexes it built (see `masar.screening.indexes`).
`watchlist_import` runs on `imports` with the manifest imports.
"""

from __future__ import annotations

from django.tasks import task

from masar.core.context import Origin, origin_scope
from masar.screening import services


@task(queue_name="default")
def screen_application(application_id: int) -> dict[str, int | str]:
    """Screen one application approved by its company (idempotent)."""
    with origin_scope(Origin(channel="task", extra={"task": "screening.screen_application"})):
        screening = services.application_screen(application_id=application_id)
    return {
        "application_id": application_id,
        "outcome": screening.outcome if screening is not None else "skipped",
    }


@task(queue_name="imports")
def watchlist_import(import_id: int) -> dict[str, int | str]:
    """Load an uploaded watchlist file (idempotent)."""
    with origin_scope(Origin(channel="task", extra={"task": "screening.watchlist_import"})):
        job = services.watchlist_import_run(import_id=import_id)
    version = job.version.number if job.version is not None else 0
    return {"import_id": job.pk, "status": job.status, "version": version}
