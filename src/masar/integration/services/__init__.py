"""Writes of the integration app: the outbox, webhook subscriptions, deliveries, the tick.

`event_emit` is the one function every other app calls, inside its own transaction.
"""

from masar.integration.services.delivery import (
    dispatch_request,
    webhook_dispatch_run,
)
from masar.integration.services.maintenance import integration_tick
from masar.integration.services.outbox import event_emit, outbox_relay
from masar.integration.services.subscriptions import (
    ReplayReport,
    webhook_replay,
    webhook_secret_rotate,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
    webhook_test_send,
)

__all__ = [
    "ReplayReport",
    "dispatch_request",
    "event_emit",
    "integration_tick",
    "outbox_relay",
    "webhook_dispatch_run",
    "webhook_replay",
    "webhook_secret_rotate",
    "webhook_subscription_create",
    "webhook_subscription_delete",
    "webhook_subscription_update",
    "webhook_test_send",
]
