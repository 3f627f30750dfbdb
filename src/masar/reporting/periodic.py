"""Scheduled work of the reporting app (`masar.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from masar.core.schedule import periodic_register


@periodic_register(
    "reporting.refresh",
    every=timedelta(minutes=10),
    description="Recompute the indicators of the last three days of every open season.",
)
def refresh_job() -> dict[str, Any]:
    from masar.reporting.services import indicators_refresh_recent

    results = indicators_refresh_recent()
    return {"seasons": [r.season_id for r in results], "rows": sum(r.count_rows for r in results)}


@periodic_register(
    "reporting.weekly",
    every=timedelta(hours=6),
    description="Generate the weekly report of the last completed week of every open season.",
)
def weekly_job() -> dict[str, Any]:
    from masar.reporting.services.weekly import weekly_reports_due

    return {"generated": weekly_reports_due()}
