"""Readiness: can this process serve? (`GET /readyz`, `masar check-ready`).

Each check is cheap (a `SELECT 1`, a cache round trip, one indexed probe of the task
table, the key store's certificates read at most once a minute) and reports `ok` or the
reason it failed, as a short stable code an operator can grep for. Whether migrations are
all applied is asked of the database until it first says yes, then kept for the life of
the process: a new release's migrations run before its processes start.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

#: Seconds the key store's verdict is kept (its files change only at a rotation).
KEYS_CHECK_TTL = 60.0

_migrated = False
_keys_verdict: tuple[float, str, float | None] | None = None


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok} | ({"reason": self.reason} if self.reason else {})


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": "ready" if self.ok else "unavailable",
            "checks": {check.name: check.as_dict() for check in self.checks},
        }


def readiness_check() -> Readiness:
    """Run every readiness check (none of them raises)."""
    database = _database_check()
    if database.ok:
        migrations = _migrations_check()
        queue = _task_queue_check()
    else:
        migrations = Check("migrations", False, "database_unavailable")
        queue = Check("task_queue", False, "database_unavailable")
    return Readiness((database, migrations, _cache_check(), _signing_keys_check(), queue))


def _database_check() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return Check("database", False, f"unreachable: {type(exc).__name__}")
    return Check("database", True)


def _migrations_check() -> Check:
    global _migrated
    if not _migrated:
        try:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as exc:
            return Check("migrations", False, f"unreadable: {type(exc).__name__}")
        if pending:
            return Check("migrations", False, f"pending: {len(pending)}")
        _migrated = True
    return Check("migrations", True)


def _cache_check() -> Check:
    token = secrets.token_hex(8)
    try:
        cache.set("masar:readyz", token, timeout=30)
        if cache.get("masar:readyz") != token:
            return Check("cache", False, "not_kept")
    except Exception as exc:
        return Check("cache", False, f"unreachable: {type(exc).__name__}")
    return Check("cache", True)


def _task_queue_check() -> Check:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    except Exception as exc:
        return Check("task_queue", False, f"unreachable: {type(exc).__name__}")
    return Check("task_queue", True)


def signer_days_left(now: datetime | None = None) -> float | None:
    """Days until the current visa seal signer stops signing (the end of its private key
    usage period, or of its certificate if sooner); None when there is no key store."""
    from masar.visas.keys import KeyStore

    store = KeyStore.from_settings()
    if not store.exists():
        return None
    current = next(c for c in store.published_certificates() if c.kind == "signer" and c.current)
    until = min(filter(None, (current.key_usage_until, current.not_after)))
    return (until - (now or timezone.now())).total_seconds() / 86400


def csca_days_left(now: datetime | None = None) -> float | None:
    """Days until the country signing CA's certificate expires; None without a key store."""
    from masar.visas.keys import KeyStore

    store = KeyStore.from_settings()
    if not store.exists():
        return None
    csca = next(c for c in store.published_certificates() if c.kind == "csca")
    return (csca.not_after - (now or timezone.now())).total_seconds() / 86400


def _signing_keys_check() -> Check:
    global _keys_verdict
    moment = time.monotonic()
    if _keys_verdict is None or moment - _keys_verdict[0] > KEYS_CHECK_TTL:
        try:
            days = signer_days_left()
            reason = "" if days is not None else "missing"
        except Exception as exc:
            days, reason = None, f"unreadable: {type(exc).__name__}"
        _keys_verdict = (moment, reason, days)
    _at, reason, days = _keys_verdict
    if reason:
        return Check("signing_keys", False, reason)
    assert days is not None
    if days < settings.MASAR_READY_KEY_DAYS:
        return Check("signing_keys", False, f"signer_expires_in_days: {max(days, 0):.1f}")
    return Check("signing_keys", True)


def readiness_cache_clear() -> None:
    """Forget the kept verdicts (migrations, keys): for tests and after a key rotation."""
    global _migrated, _keys_verdict
    _migrated = False
    _keys_verdict = None
