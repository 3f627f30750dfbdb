"""The integration app's settings, each with its default, read when used.

Every value can be set in the settings module (the names below); reading them here, at call
time, lets tests override them with pytest-django's `settings` fixture and lets a worker
process run with its own values.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def allow_http_localhost() -> bool:
    """May an endpoint be plain http://127.0.0.1 / localhost? Never in production by default."""
    default = bool(settings.DEBUG) or not getattr(settings, "PRODUCTION", False)
    return bool(getattr(settings, "MASAR_WEBHOOKS_ALLOW_HTTP_LOCALHOST", default))


def block_private_networks() -> bool:
    """Refuse endpoints that resolve to private, loopback or link-local addresses (SSRF)."""
    return bool(
        getattr(settings, "MASAR_WEBHOOKS_BLOCK_PRIVATE_NETWORKS", not allow_http_localhost())
    )


def relay_on_commit() -> bool:
    """Relay (sequence, fan out) right after each commit, in the committing process. When
    off, `masar integration relay --every SECONDS` (or the tick) does it: cheaper state
    changes, a feed and webhooks that lag by up to the interval."""
    return bool(getattr(settings, "MASAR_OUTBOX_RELAY_ON_COMMIT", True))


def validate_payloads() -> bool:
    """Check every emitted payload against its type's published JSON Schema (on in tests;
    off by default: a payload is written by code whose tests already checked it)."""
    return bool(getattr(settings, "MASAR_EVENTS_VALIDATE", False))


def timeout_seconds() -> float:
    """How long one delivery attempt may take, connection included (Standard Webhooks
    recommends 15 to 30 seconds)."""
    return float(getattr(settings, "MASAR_WEBHOOK_TIMEOUT_SECONDS", 20))


def lease() -> timedelta:
    """How long a claimed delivery stays claimed: a worker killed mid-delivery frees it then."""
    seconds = float(getattr(settings, "MASAR_WEBHOOK_LEASE_SECONDS", 60))
    return timedelta(seconds=max(seconds, timeout_seconds() + 2))


def retry_base_seconds() -> float:
    """The first retry's delay; each later one is four times longer, capped at eight hours."""
    return float(getattr(settings, "MASAR_WEBHOOK_RETRY_BASE_SECONDS", 30))


def retry_after_max_seconds() -> float:
    """The longest `Retry-After` honoured; a receiver asking for more is retried then."""
    return float(getattr(settings, "MASAR_WEBHOOK_RETRY_AFTER_MAX_SECONDS", 3600))


def max_attempts() -> int:
    """Attempts before a delivery is dead-lettered (9: about 27 hours with the default base)."""
    return int(getattr(settings, "MASAR_WEBHOOK_MAX_ATTEMPTS", 9))


def disable_after() -> timedelta:
    """An endpoint failing without a single success for this long is disabled."""
    return timedelta(hours=float(getattr(settings, "MASAR_WEBHOOK_DISABLE_AFTER_HOURS", 24)))


def pump_budget_seconds() -> float:
    """How long one dispatch task may send before it yields the worker to other endpoints."""
    return float(getattr(settings, "MASAR_WEBHOOK_PUMP_SECONDS", 30))


def requeue_grace() -> timedelta:
    """The tick re-queues deliveries only this overdue: what is merely due has its own task."""
    return timedelta(seconds=float(getattr(settings, "MASAR_WEBHOOK_REQUEUE_GRACE_SECONDS", 30)))


def outbox_retention() -> timedelta:
    return timedelta(days=int(getattr(settings, "MASAR_OUTBOX_RETENTION_DAYS", 90)))


def delivery_retention() -> timedelta:
    return timedelta(days=int(getattr(settings, "MASAR_WEBHOOK_DELIVERY_RETENTION_DAYS", 30)))
