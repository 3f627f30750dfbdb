"""The integration app's periodic work (run by `masar tick`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from masar.core.schedule import periodic_register


@periodic_register(
    "integration.tick",
    every=timedelta(minutes=1),
    description="Relay unsequenced events, re-queue stalled deliveries, expire old secrets.",
)
def integration_tick_job() -> dict[str, Any]:
    from masar.integration.services import integration_tick

    return integration_tick().as_dict()
