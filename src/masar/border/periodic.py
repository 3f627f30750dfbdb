"""Scheduled work of the border app (`masar.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta

from masar.core.schedule import periodic_register


@periodic_register(
    "border.overstay_sweep",
    every=timedelta(hours=1),
    description=(
        "Find pilgrims still in the kingdom after their permitted departure (kingdom-local "
        "day): overstay records, events and notices. Idempotent, so hourly is safe; the "
        "first run after midnight in the kingdom finds the new day's overstayers."
    ),
)
def overstay_sweep_job() -> dict[str, object]:
    from masar.border.services import overstay_sweep

    result = overstay_sweep()
    return {"detected": result.detected, "as_of": result.as_of.isoformat()}
