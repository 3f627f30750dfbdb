"""The transactional outbox, its commit-order sequence, webhook subscriptions and deliveries.

Every state change writes its event here in its own transaction (`event_emit`). The relay
(`outbox_relay`) then gives committed events a gap-free `sequence` in commit order, records
which organizations may see each one (`EventAudience`) and fans them out to the matching
webhook subscriptions as `WebhookDelivery` rows, which the worker sends.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masar.core.ids import uuid7


class TimeOrderIndex(models.Index):
    """A BRIN index on PostgreSQL (a few pages for millions of rows written in time order,
    next to free to keep up), a plain index elsewhere."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "postgresql":
            using = " USING brin"
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class OutboxEvent(models.Model):
    # Indexes (ADR 0078): every event is written once and read by id, by sequence or by
    # subject; the write pays for each index, so each one has a reader. `event_id` is a
    # version 7 UUID (time first), so its unique index grows at its right edge.
    event_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    type = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    # Organizations (besides the ministries named in `ministries`) that may see the event.
    organizations = models.JSONField(default=list)
    ministries = models.JSONField(default=list)
    occurred_at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    # Commit order, assigned by the relay after the event's transaction committed.
    # `id` is NOT commit order: a transaction holding a lower id can commit later. Unique
    # once given (a partial index: an event is written without one and costs it nothing).
    sequence = models.BigIntegerField(null=True, blank=True)
    sequenced_at = models.DateTimeField(null=True, blank=True)
    # The request (X-Request-ID) whose state change wrote the event, directly or through a
    # task it queued: to follow one call from the log to its events and webhooks. A default
    # in the database too: set-based writers (the overstay sweep) insert events in SQL.
    request_id = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox event")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "id"]),
            models.Index(
                fields=["id"],
                condition=Q(sequence__isnull=True),
                name="outbox_unsequenced_idx",
            ),
            # Read only by the retention job (older than a cutoff).
            TimeOrderIndex(fields=["occurred_at"], name="outbox_occurred_brin"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sequence"],
                condition=Q(sequence__isnull=False),
                name="outbox_sequence_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.subject_type}:{self.subject_id}"

    @property
    def subject_key(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"


class OutboxCursor(models.Model):
    """The single row holding the last sequence given out; locking it orders the relay runs."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("outbox cursor")

    def __str__(self) -> str:
        return f"outbox cursor at {self.last_sequence}"


class EventAudience(models.Model):
    """One organization that may see one sequenced event: the feed's and the webhooks' scope."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="audience")
    # No index of its own: the unique (organization, sequence) leads with it (ADR 0078).
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sequence = models.BigIntegerField()

    class Meta:
        verbose_name = _("event audience")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sequence"], name="event_audience_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} for organization {self.organization_id}"


class WebhookSubscription(models.Model):
    """An HTTPS endpoint of a service account's organization, subscribed to event types."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="webhook_subscriptions"
    )
    service_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # Catalogued type names, or ["*"] for every type the organization may see.
    event_types = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Signing secrets, sealed (encrypted) at rest; see masar.integration.signing.
    secret = models.TextField()
    previous_secret = models.TextField(blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Health: failures since the last success decide when the endpoint is disabled.
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    # Set when a dispatch task is queued; cleared when one starts. Saves queueing duplicates.
    dispatch_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook subscription")

    def __str__(self) -> str:
        return f"{self.url} ({self.organization_id})"

    def wants(self, event_type: str) -> bool:
        return event_type in self.event_types or "*" in self.event_types


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead-lettered")


class WebhookDelivery(models.Model):
    """One event to one subscription: retried with backoff until delivered or dead-lettered.

    `message_id` is the `webhook-id` header: the same for every attempt of this delivery,
    so a receiver can discard a repeat (a worker killed after sending, before recording).
    """

    message_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    # Copies of the event's order and subject, to order deliveries without a join.
    sequence = models.BigIntegerField()
    subject_key = models.CharField(max_length=130)
    is_replay = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # Attempts whose outcome was recorded (an attempt cut short by a dying worker is not).
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    locked_by = models.CharField(max_length=100, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # Claims walk a subscription's pending deliveries in commit order.
            models.Index(
                fields=["subscription", "sequence", "id"],
                condition=Q(status="pending"),
                name="delivery_claim_idx",
            ),
            models.Index(
                fields=["subscription", "subject_key", "sequence", "id"],
                condition=Q(status="pending"),
                name="delivery_subject_order_idx",
            ),
            models.Index(fields=["subscription", "-id"], name="delivery_recent_idx"),
            models.Index(fields=["status", "created_at"], name="delivery_prune_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.webhook_id} -> {self.subscription_id} ({self.status})"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.message_id.hex}"
