"""Demo data: a webhook of the border gate system (moi.gate), disabled until a receiver runs.

Start a receiver on http://127.0.0.1:9009/masar-hook (docs/integration.md shows one), then
enable the webhook on /integration/ or with PATCH /api/v1/webhooks/{id}/.
"""

from __future__ import annotations

import random
from typing import Any, TextIO

from masar.accounts.models import User
from masar.core.errors import ValidationFailed
from masar.integration.services import (
    webhook_subscription_create,
    webhook_subscription_update,
)

DEMO_URL = "http://127.0.0.1:9009/masar-hook"
DEMO_TYPES = ["company.suspended", "company.reinstated", "company.revoked", "season.created"]


def demo_seed_step(*, rng: random.Random, season: Any, stdout: TextIO | Any = None) -> list[str]:
    gate = User.objects.filter(username="moi.gate", is_service_account=True).first()
    if gate is None:
        return []
    try:
        subscription, _secret = webhook_subscription_create(
            actor=gate,
            url=DEMO_URL,
            event_types=DEMO_TYPES,
            description="نظام بوابات المنافذ (مستقبِل تجريبي)",
        )
    except ValidationFailed:  # plain http to this machine is not allowed here
        return ["webhooks: none (plain http to 127.0.0.1 is not allowed in this environment)"]
    webhook_subscription_update(actor=gate, subscription=subscription, is_active=False)
    return [f"webhooks: moi.gate -> {DEMO_URL} (disabled; start a receiver there, then enable it)"]
