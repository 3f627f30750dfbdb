"""Rows of the integration app that writers lock before they change them."""

from __future__ import annotations

from masar.integration.models import OutboxCursor, WebhookSubscription


def outbox_cursor_lock(*, wait: bool = True) -> OutboxCursor | None:
    """The relay's single cursor row, locked: one relay run gives out sequences at a time.

    With `wait=False`, None when another relay holds it (PostgreSQL; SQLite serializes
    writers anyway and always answers the row).
    """
    cursor = OutboxCursor.objects.select_for_update(skip_locked=not wait).filter(id=1).first()
    if cursor is None and wait:
        cursor, _ = OutboxCursor.objects.select_for_update().get_or_create(id=1)
    elif cursor is None and not OutboxCursor.objects.filter(id=1).exists():
        cursor, _ = OutboxCursor.objects.select_for_update().get_or_create(id=1)
    return cursor


def subscription_lock(subscription_id: int) -> WebhookSubscription:
    return (
        WebhookSubscription.objects.select_for_update(of=("self",))
        .select_related("organization", "service_account")
        .get(pk=subscription_id)
    )
