from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from masar.core.context import Origin, origin_scope
from masar.core.metrics.http import request_observe

access_logger = logging.getLogger("masar.request")

# A caller's X-Request-ID is kept when it is a plain token; anything else (too long, spaces,
# control characters that could forge log lines) is replaced by a generated one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,64}")
# Probes and scrapes come every few seconds: counted, but not written to the log.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def request_id_of(request: HttpRequest) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestOriginMiddleware:
    """Records the request's address, agent and id so that audit entries, logs, tasks and
    events can name them; returns the id (X-Request-ID), counts and times the request and
    writes one access log line (route, status, duration, user and organization ids)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        channel = "api" if request.path.startswith("/api/") else "web"
        origin = Origin(
            channel=channel,
            ip=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.headers.get("User-Agent", ""),
            request_id=request_id_of(request),
        )
        request.request_id = origin.request_id  # type: ignore[attr-defined]
        with origin_scope(origin):
            response = self.get_response(request)
            duration = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            route = ("/" + match.route) if match is not None and match.route else "<unmatched>"
            request_observe(request.method or "", route, response.status_code, duration)
            if request.path not in QUIET_PATHS:
                user = getattr(request, "user", None)
                authenticated = user is not None and user.is_authenticated
                access_logger.info(
                    "%s %s %s",
                    request.method,
                    route,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "route": route,
                        "status": response.status_code,
                        "duration_ms": round(duration * 1000, 1),
                        "user_id": user.pk if authenticated else None,  # type: ignore[union-attr]
                        "organization_id": (
                            getattr(user, "organization_id", None) if authenticated else None
                        ),
                    },
                )
        response["X-Request-ID"] = origin.request_id
        return response
