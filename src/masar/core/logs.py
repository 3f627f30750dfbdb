"""Log records with the request they belong to: JSON lines in production, plain in development.

Every record gets the current request id (`core.context`: the request's, or the request
that queued the running task). Callers add context only through the fields named in
`CONTEXT_FIELDS` (ids, route, status, duration), never free text about a person: logs name
users and organizations by id, and never carry passport numbers or names. PostgreSQL's
"Key (column)=(value)" details, which repeat the offending values of a constraint, are
withheld from logged exceptions for the same reason.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from masar.core.context import current_origin

#: Extra fields a record may carry (logger.info(..., extra={...})), in output order.
CONTEXT_FIELDS = (
    "method",
    "route",
    "status",
    "duration_ms",
    "user_id",
    "organization_id",
    "task",
    "task_id",
    "queue",
    "event_id",
)

_KEY_DETAIL = re.compile(r"(Key \([^)]*\))=\((?:[^()]|\([^()]*\))*\)")


def withhold_values(text: str) -> str:
    """Replace the values in PostgreSQL's `Key (a, b)=(x, y)` details by a placeholder."""
    return _KEY_DETAIL.sub(r"\1=(…)", text)


class RequestContextFilter(logging.Filter):
    """Adds `request_id`, `channel` and `context` (the extras, for the plain format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        origin = current_origin()
        record.request_id = origin.request_id or "-"
        record.channel = origin.channel
        if "task" not in record.__dict__ and origin.extra.get("task"):
            record.task = origin.extra["task"]
        pairs = [
            f"{name}={record.__dict__[name]}" for name in CONTEXT_FIELDS if name in record.__dict__
        ]
        record.context = (" " + " ".join(pairs)) if pairs else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, context."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": withhold_values(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or current_origin().request_id
        if request_id and request_id != "-":
            entry["request_id"] = request_id
        for name in CONTEXT_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info:
            entry["exception"] = withhold_values(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
