"""Reads of the integration app, already scoped to what the actor may see.

An organization sees the events it is named in (a ministry: the events of the kinds it is
responsible for), its own webhook subscriptions and their deliveries. Ministry staff see
every organization's service accounts and subscriptions on the pages, read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from masar.accounts.models import User
from masar.accounts.roles import Role
from masar.integration.models import (
    DeliveryStatus,
    EventAudience,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from masar.integration.services.subscriptions import can_manage

MAX_FEED_PAGE = 1000


@dataclass(frozen=True)
class FeedPage:
    events: list[OutboxEvent]
    next_cursor: int
    has_more: bool


def event_feed(
    *, actor: User, after: int = 0, types: list[str] | None = None, limit: int = 100
) -> FeedPage:
    """Events the actor's organization may see, in commit order, after a cursor.

    The cursor is the last `sequence` the reader has; sequences are handed out in commit
    order with no gaps, so paging by them never skips an event that commits late.
    """
    limit = max(1, min(limit, MAX_FEED_PAGE))
    if actor.organization_id is None:
        return FeedPage(events=[], next_cursor=after, has_more=False)
    rows = EventAudience.objects.filter(organization_id=actor.organization_id, sequence__gt=after)
    if types:
        rows = rows.filter(event__type__in=types)
    picked = list(rows.select_related("event").order_by("sequence")[: limit + 1])
    events = [row.event for row in picked[:limit]]
    return FeedPage(
        events=events,
        next_cursor=events[-1].sequence if events and events[-1].sequence else after,
        has_more=len(picked) > limit,
    )


def subscription_list(*, actor: User) -> QuerySet[WebhookSubscription]:
    """The subscriptions of the actor's organization, for those who manage them."""
    if actor.organization_id is None or not can_manage(actor, actor.organization_id):
        return WebhookSubscription.objects.none()
    return WebhookSubscription.objects.filter(organization_id=actor.organization_id).select_related(
        "service_account"
    )


def delivery_list(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    """A subscription's deliveries, newest first (the subscription is already in scope)."""
    return (
        WebhookDelivery.objects.filter(subscription=subscription)
        .select_related("event")
        .order_by("-id")
    )


def may_view_integration(actor: User) -> bool:
    """Who may open the integration pages: supervisors, and ministry staff."""
    if actor.organization is None:
        return False
    return actor.organization.is_ministry or actor.has_role(Role.SUPERVISOR)


def service_account_list(*, actor: User) -> QuerySet[User]:
    """Service accounts on the pages: every one for ministry staff, their own organization's
    for a supervisor, none for anyone else."""
    qs = (
        User.objects.filter(is_service_account=True)
        .select_related("organization")
        .annotate(
            webhooks=Count("webhook_subscriptions", distinct=True),
            webhooks_disabled=Count(
                "webhook_subscriptions",
                filter=Q(webhook_subscriptions__is_active=False),
                distinct=True,
            ),
        )
        .order_by("organization__kind", "organization__code", "username")
    )
    org = actor.organization
    if org is None or not may_view_integration(actor):
        return qs.none()
    if org.is_ministry:
        return qs
    return qs.filter(organization=org)


def subscriptions_of(*, service_account: User) -> QuerySet[WebhookSubscription]:
    return (
        WebhookSubscription.objects.filter(service_account=service_account)
        .annotate(
            pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
            dead=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DEAD)),
        )
        .order_by("id")
    )
