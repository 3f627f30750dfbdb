"""Where the current request, command or task came from, for the audit trail."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Origin:
    channel: str  # web, api, cli, task, system
    ip: str = ""
    user_agent: str = ""
    request_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"channel": self.channel}
        if self.ip:
            data["ip"] = self.ip
        if self.user_agent:
            data["user_agent"] = self.user_agent[:200]
        if self.request_id:
            data["request_id"] = self.request_id
        data.update(self.extra)
        return data


_SYSTEM = Origin(channel="system")
_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar(
    "masar_origin", default=None
)


def current_origin() -> Origin:
    return _origin.get() or _SYSTEM


@contextmanager
def origin_scope(origin: Origin) -> Iterator[Origin]:
    """Make `origin` the current one. A scope without a request id keeps the enclosing
    one's, so a task's own scope still names the request that started it (logs, events)."""
    outer = _origin.get()
    if not origin.request_id and outer is not None and outer.request_id:
        origin = replace(origin, request_id=outer.request_id)
    token = _origin.set(origin)
    try:
        yield origin
    finally:
        _origin.reset(token)
