"""Periodic jobs of the shared kernel."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from masar.core.audit_checkpoints import checkpoint_of_head
from masar.core.schedule import periodic_register


@periodic_register(
    "audit.checkpoint",
    every=timedelta(minutes=settings.MASAR_AUDIT_CHECKPOINT_MINUTES),
    description="Sign a checkpoint of the audit chain head, kept outside the database.",
)
def audit_checkpoint() -> dict[str, int] | None:
    checkpoint = checkpoint_of_head()
    return {"count": checkpoint.count} if checkpoint is not None else None
