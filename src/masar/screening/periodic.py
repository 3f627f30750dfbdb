"""The screening app's periodic work (run by `masar tick`)."""

from __future__ import annotations

from datetime import timedelta

from masar.core.schedule import periodic_register


@periodic_register(
    "screening.resume",
    every=timedelta(minutes=5),
    description="Queue again the screening of applications whose task was lost or whose "
    "worker stopped mid-task.",
)
def screening_resume_job() -> dict[str, int]:
    from masar.screening.services import applications_screening_resume

    return {"resumed": len(applications_screening_resume())}
