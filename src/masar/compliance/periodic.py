"""Scheduled work of the compliance app (`masar.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from masar.core.schedule import periodic_register


@periodic_register(
    "compliance.sweep",
    every=timedelta(minutes=15),
    description="Raise violations for overstays and late or missing escape notices; escalate "
    "warnings past their cure period; lift suspensions that ended; draw unpaid fines past due "
    "from the bank guarantee.",
)
def compliance_sweep_job() -> dict[str, Any]:
    from masar.compliance.services.sweep import compliance_sweep

    return compliance_sweep().as_dict()
