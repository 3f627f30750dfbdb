"""The applications app's periodic work (run by `masar tick`)."""

from __future__ import annotations

from datetime import timedelta

from masar.core.schedule import periodic_register


@periodic_register(
    "applications.manifests_resume",
    every=timedelta(minutes=5),
    description="Re-enqueue manifest imports whose worker stopped mid-way.",
)
def manifests_resume_job() -> dict[str, list[int]]:
    from masar.applications.services.manifests import manifest_jobs_resume

    return {"resumed": manifest_jobs_resume()}
