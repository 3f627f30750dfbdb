"""Scheduled work of the visas app (`masar.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta

from masar.core.schedule import periodic_register


@periodic_register(
    "visas.lapse",
    every=timedelta(hours=1),
    description="Lapse valid visas not used for entry within their validity (revokes the seals).",
)
def lapse_job() -> dict[str, list[str]]:
    from masar.visas.services import visas_lapse

    return {"lapsed": visas_lapse()}


@periodic_register(
    "visas.issue_pending",
    every=timedelta(minutes=10),
    description="Re-queue the issuance of approved applications still without a visa.",
)
def issue_pending_job() -> dict[str, int]:
    from masar.visas.services.issuance import issuance_pending_ids, issuance_task_enqueue

    ids = issuance_pending_ids()
    if ids:
        issuance_task_enqueue(ids)
    return {"queued": len(ids)}
