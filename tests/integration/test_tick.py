"""`masar integration tick`: the relay's catch-up, re-queueing stuck deliveries, pruning."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masar.core.models import IdempotencyRecord
from masar.integration.models import (
    EventAudience,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from masar.integration.services import event_emit, integration_tick, outbox_relay
from tests.integration.conftest import subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_payloads")]


def _emit(company, n: int) -> OutboxEvent:
    with transaction.atomic():
        return event_emit(
            type="company.reinstated",
            subject=("operators.company", str(n)),
            payload={"company_id": n, "reason": "r"},
            organizations=[company.organization],
        )


def test_the_tick_sequences_events_whose_relay_never_ran(company):
    _emit(company, 1)  # committed, but its after-commit relay did not run (a crash)
    out = StringIO()
    call_command("integration", "tick", stdout=out)
    report = json.loads(out.getvalue())
    assert report["relayed"] == 1
    assert OutboxEvent.objects.get().sequence == 1


def test_the_tick_requeues_a_delivery_whose_worker_died(
    company, company_system, settings, django_capture_on_commit_callbacks
):
    settings.MASAR_WEBHOOK_REQUEUE_GRACE_SECONDS = 30
    subscription, _ = subscribe(company_system, "https://hooks.example/")
    _emit(company, 1)
    outbox_relay()
    now = timezone.now()
    # A worker claimed it two minutes ago and died: the lease ran out a minute ago.
    WebhookDelivery.objects.update(
        next_attempt_at=now - timedelta(minutes=2),
        locked_until=now - timedelta(minutes=1),
        locked_by="host:1234",
        attempts=1,
    )
    WebhookSubscription.objects.update(dispatch_requested_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        report = integration_tick(now=now)

    assert report.requeued == 1
    task = DBTaskResult.objects.get(task_path="masar.integration.tasks.webhook_dispatch")
    assert task.args_kwargs == {"args": [], "kwargs": {"subscription_id": subscription.pk}}
    assert integration_tick(now=now).requeued == 0  # already queued: not twice


def test_the_tick_leaves_leased_and_merely_due_deliveries_alone(company, company_system):
    subscribe(company_system, "https://hooks.example/")
    _emit(company, 1)
    _emit(company, 2)
    outbox_relay()
    now = timezone.now()
    first, second = WebhookDelivery.objects.order_by("id")
    WebhookDelivery.objects.filter(pk=first.pk).update(
        next_attempt_at=now - timedelta(minutes=5), locked_until=now + timedelta(seconds=30)
    )
    WebhookDelivery.objects.filter(pk=second.pk).update(next_attempt_at=now)
    WebhookSubscription.objects.update(dispatch_requested_at=None)
    assert integration_tick(now=now).requeued == 0


def test_the_tick_expires_a_rotated_secret_and_prunes_old_rows(company, company_system, settings):
    settings.MASAR_WEBHOOK_DELIVERY_RETENTION_DAYS = 30
    settings.MASAR_OUTBOX_RETENTION_DAYS = 90
    subscription, _ = subscribe(company_system, "https://hooks.example/")
    now = timezone.now()
    WebhookSubscription.objects.update(
        previous_secret="sealed", previous_secret_expires_at=now - timedelta(seconds=1)
    )
    old, kept_for_pending, recent = (_emit(company, n) for n in (1, 2, 3))
    outbox_relay()
    OutboxEvent.objects.filter(pk__in=[old.pk, kept_for_pending.pk]).update(
        occurred_at=now - timedelta(days=91)
    )
    WebhookDelivery.objects.filter(event=old).update(
        status="delivered", created_at=now - timedelta(days=31)
    )
    WebhookDelivery.objects.filter(event=recent).update(status="delivered")
    IdempotencyRecord.objects.create(
        key="k",
        principal="p",
        method="POST",
        path="/api/",
        request_hash="h",
        created_at=now - timedelta(days=3),
    )

    report = integration_tick(now=now)

    assert report.secrets_expired == 1
    subscription.refresh_from_db()
    assert (subscription.previous_secret, subscription.previous_secret_expires_at) == ("", None)
    assert report.deliveries_pruned == 1
    assert report.events_pruned == 1
    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {kept_for_pending.pk, recent.pk}
    assert not EventAudience.objects.filter(event_id=old.pk).exists()
    assert report.idempotency_pruned == 1
