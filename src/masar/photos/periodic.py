"""The photos app's periodic work (run by `masar tick`)."""

from __future__ import annotations

from datetime import timedelta

from masar.core.schedule import periodic_register


@periodic_register(
    "photos.archives_resume",
    every=timedelta(minutes=5),
    description="Re-enqueue photo archives whose worker stopped mid-way.",
)
def archives_resume_job() -> dict[str, list[int]]:
    from masar.photos.services import photo_batches_resume

    return {"resumed": photo_batches_resume()}
