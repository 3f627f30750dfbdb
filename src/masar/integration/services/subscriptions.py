"""Webhook subscriptions: create, change, delete, rotate the secret, test, replay.

A subscription belongs to the organization of the service account that created it. Its
organization's service accounts (role `integration`) and supervisors manage it; nobody
else sees it. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import Role
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from masar.integration import conf
from masar.integration.catalogue import CATALOGUE
from masar.integration.endpoints import endpoint_problems
from masar.integration.error_codes import IntegrationError
from masar.integration.lock_objects import subscription_lock
from masar.integration.models import (
    DeliveryStatus,
    EventAudience,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from masar.integration.services.delivery import dispatch_request
from masar.integration.services.outbox import TEST_EVENT, event_emit
from masar.integration.signing import secret_generate, secret_seal

MAX_SUBSCRIPTIONS_PER_ORGANIZATION = 20
MAX_REPLAY_EVENTS = 10_000
MAX_PREVIOUS_SECRET_HOURS = 7 * 24
ALL_TYPES = "*"


def can_manage(actor: User, organization_id: int) -> bool:
    """Service accounts (role integration) and supervisors of the subscription's organization."""
    if actor.organization_id != organization_id:
        return False
    if actor.is_service_account and actor.has_role(Role.INTEGRATION):
        return True
    return actor.has_role(Role.SUPERVISOR)


def _require_manager(actor: User, subscription: WebhookSubscription) -> None:
    if actor.organization_id != subscription.organization_id:
        # Another organization's subscription does not exist for the caller.
        raise NotFound(IntegrationError.SUBSCRIPTION_NOT_FOUND, _("No such webhook."))
    if not can_manage(actor, subscription.organization_id):
        raise Forbidden(
            IntegrationError.NOT_ALLOWED,
            _("Only the organization's service accounts and supervisors manage its webhooks."),
        )


def _check_url(url: str) -> str:
    url = url.strip()
    problems = endpoint_problems(
        url,
        allow_http_localhost=conf.allow_http_localhost(),
        block_private=conf.block_private_networks(),
    )
    if problems:
        raise ValidationFailed(
            IntegrationError.INVALID_URL,
            _("This endpoint cannot be used."),
            fields={"url": problems},
        )
    return url


def _check_types(event_types: list[str]) -> list[str]:
    names = list(dict.fromkeys(t.strip() for t in event_types if t.strip()))
    if not names:
        raise ValidationFailed(
            IntegrationError.UNKNOWN_EVENT_TYPE,
            _("Name at least one event type, or * for all."),
            fields={"event_types": [_("Required.")]},
        )
    if ALL_TYPES in names:
        return [ALL_TYPES]
    unknown = [n for n in names if n not in CATALOGUE or n == TEST_EVENT]
    if unknown:
        raise ValidationFailed(
            IntegrationError.UNKNOWN_EVENT_TYPE,
            _("Unknown event types: %s") % ", ".join(unknown),
            fields={
                "event_types": [_("Not in the catalogue (docs/events.md): %s") % n for n in unknown]
            },
        )
    return sorted(names)


@transaction.atomic
def webhook_subscription_create(
    *, actor: User, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookSubscription, str]:
    """Subscribe the service account's organization; returns the subscription and its signing
    secret, shown this once."""
    if not (
        actor.is_service_account
        and actor.has_role(Role.INTEGRATION)
        and actor.organization_id is not None
    ):
        raise Forbidden(
            IntegrationError.SERVICE_ACCOUNT_REQUIRED,
            _("Webhooks are subscribed by a service account with the integration role."),
        )
    clean_url = _check_url(url)
    types = _check_types(event_types)
    count = (
        WebhookSubscription.objects.select_for_update()
        .filter(organization_id=actor.organization_id)
        .count()
    )
    if count >= MAX_SUBSCRIPTIONS_PER_ORGANIZATION:
        raise Conflict(
            IntegrationError.TOO_MANY_SUBSCRIPTIONS,
            _("An organization may have at most %d webhooks.") % MAX_SUBSCRIPTIONS_PER_ORGANIZATION,
        )
    secret = secret_generate()
    now = timezone.now()
    subscription = WebhookSubscription.objects.create(
        organization_id=actor.organization_id,
        service_account=actor,
        url=clean_url,
        description=description.strip(),
        event_types=types,
        secret=secret_seal(secret),
        created_at=now,
        updated_at=now,
    )
    audit_record(
        actor=actor,
        action="webhook.created",
        target=subscription,
        details={"url": clean_url, "event_types": types},
    )
    return subscription, secret


@transaction.atomic
def webhook_subscription_update(
    *,
    actor: User,
    subscription: WebhookSubscription,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookSubscription:
    """Change a subscription. Enabling a disabled one resets its health and resumes its
    pending deliveries at once; disabling pauses them."""
    _require_manager(actor, subscription)
    subscription = subscription_lock(subscription.pk)
    now = timezone.now()
    changes: dict[str, Any] = {}
    if url is not None and url.strip() != subscription.url:
        changes["url"] = _check_url(url)
    if event_types is not None:
        types = _check_types(event_types)
        if types != subscription.event_types:
            changes["event_types"] = types
    if description is not None and description.strip() != subscription.description:
        changes["description"] = description.strip()
    resume = False
    if is_active is not None and is_active != subscription.is_active:
        changes["is_active"] = is_active
        if is_active:
            changes.update(
                disabled_at=None,
                disabled_reason="",
                consecutive_failures=0,
                failing_since=None,
            )
            resume = True
        else:
            changes.update(disabled_at=now, disabled_reason=f"disabled by {actor.get_username()}")
    if not changes:
        return subscription
    for name, value in changes.items():
        setattr(subscription, name, value)
    subscription.updated_at = now
    subscription.save(update_fields=[*changes, "updated_at"])
    if resume:
        WebhookDelivery.objects.filter(
            subscription=subscription, status=DeliveryStatus.PENDING
        ).update(next_attempt_at=now, locked_until=None, lease_token=None)
        dispatch_request(subscription_ids=[subscription.pk], force=True)
    audit_record(
        actor=actor,
        action="webhook.updated",
        target=subscription,
        details={k: v for k, v in changes.items() if k in {"url", "event_types", "is_active"}},
    )
    return subscription


@transaction.atomic
def webhook_subscription_delete(*, actor: User, subscription: WebhookSubscription) -> None:
    """Delete a subscription with its delivery history; nothing more is sent to it."""
    _require_manager(actor, subscription)
    subscription = subscription_lock(subscription.pk)
    audit_record(
        actor=actor,
        action="webhook.deleted",
        target=subscription,
        details={"url": subscription.url, "event_types": subscription.event_types},
    )
    subscription.delete()


@transaction.atomic
def webhook_secret_rotate(
    *, actor: User, subscription: WebhookSubscription, keep_previous_hours: int = 24
) -> tuple[WebhookSubscription, str]:
    """A new signing secret. The previous one keeps signing beside it (two signatures per
    message) for `keep_previous_hours`, so the receiver can switch without losing a message."""
    _require_manager(actor, subscription)
    if not 0 <= keep_previous_hours <= MAX_PREVIOUS_SECRET_HOURS:
        raise ValidationFailed(
            IntegrationError.NOT_ALLOWED,
            _("Keep the previous secret between 0 and %d hours.") % MAX_PREVIOUS_SECRET_HOURS,
            fields={"keep_previous_hours": [_("Out of range.")]},
        )
    subscription = subscription_lock(subscription.pk)
    now = timezone.now()
    secret = secret_generate()
    if keep_previous_hours:
        subscription.previous_secret = subscription.secret
        subscription.previous_secret_expires_at = now + timedelta(hours=keep_previous_hours)
    else:
        subscription.previous_secret = ""
        subscription.previous_secret_expires_at = None
    subscription.secret = secret_seal(secret)
    subscription.secret_rotated_at = now
    subscription.updated_at = now
    subscription.save(
        update_fields=[
            "secret",
            "previous_secret",
            "previous_secret_expires_at",
            "secret_rotated_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="webhook.secret_rotated",
        target=subscription,
        details={"previous_valid_until": subscription.previous_secret_expires_at},
    )
    return subscription, secret


@transaction.atomic
def webhook_test_send(*, actor: User, subscription: WebhookSubscription) -> OutboxEvent:
    """Emit a `webhook.test` event that goes to this one subscription."""
    _require_manager(actor, subscription)
    subscription = subscription_lock(subscription.pk)
    if not subscription.is_active:
        raise Conflict(
            IntegrationError.SUBSCRIPTION_DISABLED,
            _("This webhook is disabled; enable it first."),
        )
    event = event_emit(
        type=TEST_EVENT,
        subject=subscription,
        payload={
            "subscription_id": subscription.pk,
            "message": "Test event from Masar",
            "requested_by": actor.get_username(),
        },
        organizations=[subscription.organization_id],
    )
    audit_record(
        actor=actor,
        action="webhook.test_requested",
        target=subscription,
        details={"event_id": str(event.event_id)},
    )
    return event


@dataclass(frozen=True)
class ReplayReport:
    replayed: int
    truncated: bool
    until: datetime | None


@transaction.atomic
def webhook_replay(
    *, actor: User, subscription: WebhookSubscription, since: datetime
) -> ReplayReport:
    """Send again, in commit order, every event since `since` that the subscription wants and
    its organization may see. Each is a new delivery (a new webhook-id; the body keeps the
    event's id). At most MAX_REPLAY_EVENTS per call: if `truncated`, call again from `until`."""
    _require_manager(actor, subscription)
    subscription = subscription_lock(subscription.pk)
    now = timezone.now()
    if not subscription.is_active:
        raise Conflict(
            IntegrationError.SUBSCRIPTION_DISABLED,
            _("This webhook is disabled; enable it first."),
        )
    oldest = now - conf.outbox_retention()
    if since > now or since < oldest:
        raise ValidationFailed(
            IntegrationError.INVALID_SINCE,
            _("Replay from a moment in the past %d days.") % conf.outbox_retention().days,
            fields={"since": [_("Between %s and now.") % oldest.isoformat(timespec="seconds")]},
        )
    rows = EventAudience.objects.filter(
        organization_id=subscription.organization_id, event__occurred_at__gte=since
    ).exclude(event__type=TEST_EVENT)
    if ALL_TYPES not in subscription.event_types:
        rows = rows.filter(event__type__in=subscription.event_types)
    picked = list(
        rows.order_by("sequence").values_list(
            "event_id", "sequence", "event__subject_type", "event__subject_id", "event__occurred_at"
        )[: MAX_REPLAY_EVENTS + 1]
    )
    truncated = len(picked) > MAX_REPLAY_EVENTS
    picked = picked[:MAX_REPLAY_EVENTS]
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=subscription,
            event_id=event_id,
            sequence=sequence,
            subject_key=f"{subject_type}:{subject_id}",
            is_replay=True,
            next_attempt_at=now,
        )
        for event_id, sequence, subject_type, subject_id, _occurred in picked
    )
    until = picked[-1][4] if picked else None
    audit_record(
        actor=actor,
        action="webhook.replayed",
        target=subscription,
        details={"since": since, "replayed": len(picked), "truncated": truncated},
    )
    if picked:
        dispatch_request(subscription_ids=[subscription.pk], force=True)
    return ReplayReport(replayed=len(picked), truncated=truncated, until=until)
