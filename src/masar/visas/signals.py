"""Issue right after approval: every `approve` transition logged (an officer's decision,
or the system's in screening when the season decides automatically) queues the visa's
issuance once its transaction commits. The screening app needs no knowledge of visas."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from masar.applications.models import ApplicationTransition


@receiver(post_save, sender=ApplicationTransition, dispatch_uid="visas.issue_after_approval")
def issue_after_approval(
    sender: Any, instance: ApplicationTransition, created: bool, **kwargs: Any
) -> None:
    if created and instance.name == "approve":
        from masar.visas.services.issuance import issuance_enqueue

        issuance_enqueue([instance.application_id])
