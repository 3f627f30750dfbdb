"""Background work of the integration app, run by `masar worker` (queue `integration`)."""

from __future__ import annotations

import os
import socket
from typing import Any

from django.tasks import task

from masar.core.context import Origin, origin_scope
from masar.integration.services.delivery import webhook_dispatch_run

QUEUE = "integration"
# Below the default (0): a worker serving every queue screens, imports and issues first, and
# sends webhooks when that work is done. The queue orders by priority, then by `run_after`,
# where a task without one sorts last: without this, every retry scheduled during an
# endpoint's outage jumped ahead of the whole screening queue (the season rehearsal,
# docs/adr/0150-background-work-before-webhooks.md). A dedicated `--queue-name integration`
# worker is unaffected.
PRIORITY = -10


def worker_name() -> str:
    """Who holds a lease: host and process, so an operator can find a stuck worker."""
    return f"{socket.gethostname()}:{os.getpid()}"


@task(queue_name=QUEUE, priority=PRIORITY)
def webhook_dispatch(subscription_id: int) -> dict[str, Any]:
    """Send what is due for one webhook subscription (see `webhook_dispatch_run`)."""
    with origin_scope(Origin(channel="task", extra={"task": "webhook_dispatch"})):
        report = webhook_dispatch_run(subscription_id=subscription_id, worker=worker_name())
    return report.as_dict()
