"""Background work of the photos app (Django tasks, database queue `imports`)."""

from __future__ import annotations

from django.tasks import task

from masar.photos.services import photo_batch_run


@task(queue_name="imports")
def photo_batch_process(batch_id: int) -> dict[str, int | str]:
    """Process (or go on processing) one group archive of photos."""
    batch = photo_batch_run(batch_id=batch_id)
    return {
        "batch_id": batch.pk,
        "status": batch.status,
        "accepted_files": batch.accepted_files,
        "rejected_files": batch.rejected_files,
    }
