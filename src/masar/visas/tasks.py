"""Background work of the visas app (Django tasks on the database queue)."""

from __future__ import annotations

from django.tasks import task

from masar.core.context import Origin, origin_scope
from masar.visas import services


@task(queue_name="default")
def issue_visas(application_ids: list[int]) -> dict[str, list[str]]:
    """Issue the visas of approved applications (idempotent: issued ones are skipped)."""
    with origin_scope(Origin(channel="task", extra={"task": "visas.issue_visas"})):
        numbers = services.visas_issue_numbers(actor=None, application_ids=application_ids)
    return {"issued": numbers}


@task(queue_name="default")
def run_issuance_job(job_id: int) -> dict[str, int]:
    """Issue every approved application of a group (one job, progress recorded)."""
    with origin_scope(Origin(channel="task", extra={"task": "visas.run_issuance_job"})):
        job = services.issuance_job_run(job_id=job_id)
    return {"job_id": job.pk, "issued": job.issued, "skipped": job.skipped}


@task(queue_name="default")
def build_visa_archive(archive_id: int) -> dict[str, int]:
    """Build a group's ZIP of visa PDFs (progress recorded after each visa)."""
    from masar.visas.services.archives import visa_archive_build

    with origin_scope(Origin(channel="task", extra={"task": "visas.build_visa_archive"})):
        archive = visa_archive_build(archive_id=archive_id)
    return {"archive_id": archive.pk, "done": archive.done}
