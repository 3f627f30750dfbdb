"""Rate limits: the real client address behind trusted proxies, and fixed-window counters
in the default cache, shared by the API (DRF throttle classes) and by HTML views.

The address: with ``MASAR_TRUSTED_PROXIES = 0`` (the default) it is ``REMOTE_ADDR`` and
``X-Forwarded-For`` is ignored, since any client can send one. With N trusted proxies in
front of Masar, each appends the address it received the request from, so the N-th entry
from the right of ``X-Forwarded-For`` was written by the outermost trusted proxy: entries
left of it are the client's own claims. Anything that is not an IP address falls back to
``REMOTE_ADDR``.

The counters: one cache key per scope, key and window, created with ``add`` and raised
with ``incr``, which are atomic on Redis and on the in-memory cache; on the database
cache two requests at the same instant may count once (docs/security.md). Keys are
hashed: no passport or application number is ever stored in the cache in clear.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def rate_parse(text: str) -> Rate:
    """``"30/minute"``, ``"20/hour"``, ``"5/s"``: a count per second, minute, hour or day."""
    count, _, period = text.partition("/")
    return Rate(count=int(count), seconds=_PERIODS[period.strip()[:1].lower()])


def client_address(request: HttpRequest) -> str:
    """The address of the client, as seen by the outermost trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = int(getattr(settings, "MASAR_TRUSTED_PROXIES", 0) or 0)
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-min(trusted, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def rate_hit(scope: str, key: str) -> float | None:
    """Count one request of `key` in `scope`; the seconds to wait when over the rate,
    None when allowed. The rate is read from ``MASAR_THROTTLE_RATES`` on each call."""
    rate = rate_parse(settings.MASAR_THROTTLE_RATES[scope])
    now = time.time()
    window = int(now // rate.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"masar:throttle:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.count:
        return max(1.0, (window + 1) * rate.seconds - now)
    return None


def request_value(request: Any, name: str) -> str:
    """A field of the body of a DRF request or of a posted form, as text ('' if absent)."""
    data = getattr(request, "data", None)
    if data is None:
        data = request.POST
    value = data.get(name, "") if hasattr(data, "get") else ""
    return value.strip().upper() if isinstance(value, str) else ""


class _Throttle(BaseThrottle):
    scope = ""

    def key(self, request: Any, view: Any) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Any, view: Any) -> bool:
        key = self.key(request, view)
        self._wait = rate_hit(self.scope, key) if key is not None else None
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class AddressThrottle(_Throttle):
    """Anonymous callers, by their real address."""

    scope = "anon"

    def key(self, request: Any, view: Any) -> str | None:
        return client_address(request)


class TrackAddressThrottle(AddressThrottle):
    """The tracker, by the caller's real address."""

    scope = "track"


class TrackApplicationThrottle(_Throttle):
    """The tracker, by the application number asked for: however many addresses an
    attacker has, the passport numbers of one application are tried this often."""

    scope = "track_application"

    def key(self, request: Any, view: Any) -> str | None:
        number = request_value(request, "application")
        return number or None


class ClientThrottle(_Throttle):
    """Every authenticated API client by its user (a token and a session count as one),
    anonymous callers by address."""

    scope = "user"

    def allow_request(self, request: Any, view: Any) -> bool:
        user = getattr(request, "user", None)
        self.scope = "user" if user is not None and user.is_authenticated else "anon"
        return super().allow_request(request, view)

    def key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return client_address(request)


class CarrierThrottle(_Throttle):
    """Carrier checks, by the carrier's user, beside the general client limit."""

    scope = "carrier"

    def key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return client_address(request)
