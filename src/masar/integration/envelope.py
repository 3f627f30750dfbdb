"""The message a subscriber receives for one event: a webhook body or one item of the feed.

Its shape is `ENVELOPE_SCHEMA` in the catalogue (documented in docs/events.md).
"""

from __future__ import annotations

import json
from typing import Any

from masar.integration.models import OutboxEvent


def event_envelope(event: OutboxEvent) -> dict[str, Any]:
    return {
        "id": str(event.event_id),
        "type": event.type,
        "version": event.version,
        "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "sequence": event.sequence,
        "subject": {"type": event.subject_type, "id": event.subject_id},
        "data": event.payload,
    }


def envelope_body(event: OutboxEvent) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(event_envelope(event), separators=(",", ":"), ensure_ascii=False).encode()
