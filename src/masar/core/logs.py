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

from django.http import HttpRequest

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


def _request_record(record: logging.LogRecord, request: HttpRequest) -> None:
    """Django's own request records (django.request's "Not Found: <path>", written once the
    response has left the middleware; django.security's "Forbidden (...): <path>"): the
    request's id, and its route instead of its path, which may carry a number a client
    typed (a passport, a visa)."""
    record.request_id = getattr(request, "request_id", None) or record.__dict__["request_id"]
    match = getattr(request, "resolver_match", None)
    route = ("/" + match.route) if match is not None and match.route else "<unmatched>"
    record.route = route
    if isinstance(record.args, tuple) and request.path in record.args:
        record.args = tuple(route if arg == request.path else arg for arg in record.args)
    status = record.__dict__.get("status_code")
    if isinstance(status, int):
        record.status = status


class RequestContextFilter(logging.Filter):
    """Adds `request_id`, `channel` and `context` (the extras, for the plain format), and
    rewrites Django's own request records (see `_request_record`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        origin = current_origin()
        record.request_id = origin.request_id or "-"
        request = record.__dict__.get("request")
        if isinstance(request, HttpRequest):
            _request_record(record, request)
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
