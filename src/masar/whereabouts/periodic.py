"""Scheduled work of the whereabouts app (`masar.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta

from masar.core.schedule import periodic_register


@periodic_register(
    "whereabouts.sweep",
    every=timedelta(minutes=30),
    description=(
        "Compare every pilgrim in the kingdom with the plan (not checked in after entry, "
        "checked out with nowhere to go, past the planned nights, in a city not on the plan): "
        "raise alerts to the company and its agent, close those that resolved, escalate "
        "unanswered ones past their deadline. Set-based and idempotent."
    ),
)
def whereabouts_sweep_job() -> dict[str, object]:
    from masar.whereabouts.services import whereabouts_sweep

    return whereabouts_sweep().as_dict()
