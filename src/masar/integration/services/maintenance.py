"""Scheduled work: the tick that catches up the relay, re-queues stuck deliveries and prunes.

Django's tasks framework has no scheduler, so `masar integration tick` runs this once a
minute (cron, a systemd timer, or `masar integration tick --every 60` as a service). Ticks
may overlap or run on several machines: every step is idempotent and takes its own locks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from masar.core.idempotency import idempotency_prune
from masar.integration import conf
from masar.integration.models import (
    DeliveryStatus,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from masar.integration.services.delivery import claimable, dispatch_request
from masar.integration.services.outbox import outbox_relay

PRUNE_CHUNK = 2000


@dataclass(frozen=True)
class TickReport:
    relayed: int
    requeued: int
    secrets_expired: int
    deliveries_pruned: int
    events_pruned: int
    idempotency_pruned: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def integration_tick(*, now: datetime | None = None) -> TickReport:
    now = now or timezone.now()
    relayed = outbox_relay()
    requeued = deliveries_requeue(now=now)
    secrets_expired = WebhookSubscription.objects.filter(
        previous_secret_expires_at__lte=now
    ).update(previous_secret="", previous_secret_expires_at=None)
    deliveries_pruned, events_pruned = outbox_prune(now=now)
    return TickReport(
        relayed=relayed,
        requeued=requeued,
        secrets_expired=secrets_expired,
        deliveries_pruned=deliveries_pruned,
        events_pruned=events_pruned,
        idempotency_pruned=idempotency_prune(now=now),
    )


def deliveries_requeue(*, now: datetime) -> int:
    """Queue a dispatch for every active subscription with deliveries that should have gone
    by now but have not: their task was lost, or their worker died holding the lease."""
    overdue = (
        claimable(now)
        .filter(next_attempt_at__lte=now - conf.requeue_grace(), subscription__is_active=True)
        .values_list("subscription_id", flat=True)
        .distinct()
    )
    return dispatch_request(subscription_ids=sorted(set(overdue)))


def _delete_in_chunks(queryset: Any) -> int:
    total = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:PRUNE_CHUNK])
        if not ids:
            return total
        total += len(ids)
        queryset.model.objects.filter(pk__in=ids).delete()


def outbox_prune(*, now: datetime) -> tuple[int, int]:
    """Delete finished deliveries and old events past their retention. An event with a
    delivery still pending is kept until that delivery ends."""
    deliveries = _delete_in_chunks(
        WebhookDelivery.objects.filter(
            Q(status=DeliveryStatus.DELIVERED) | Q(status=DeliveryStatus.DEAD),
            created_at__lt=now - conf.delivery_retention(),
        )
    )
    pending = WebhookDelivery.objects.filter(event=OuterRef("pk"), status=DeliveryStatus.PENDING)
    events = _delete_in_chunks(
        OutboxEvent.objects.filter(
            occurred_at__lt=now - conf.outbox_retention(), sequence__isnull=False
        ).exclude(Exists(pending))
    )
    return deliveries, events
