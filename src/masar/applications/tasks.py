"""Background work of the applications app (Django tasks, database queue `imports`)."""

from __future__ import annotations

from django.tasks import task

from masar.applications.services.manifests import manifest_job_run


@task(queue_name="imports")
def manifest_import(job_id: int) -> dict[str, int | str]:
    """Import (or go on importing) one manifest job."""
    job = manifest_job_run(job_id=job_id)
    return {
        "job_id": job.pk,
        "status": job.status,
        "accepted_rows": job.accepted_rows,
        "rejected_rows": job.rejected_rows,
    }
