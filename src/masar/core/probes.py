"""Endpoints for the operations team's tools: liveness, readiness and metrics.

They are plain Django views, outside the REST API: no authentication, no session, no
throttling, no audit entry. `/healthz` answers while the process runs (no database);
`/readyz` runs the readiness checks (`core.health`); `/metrics` serves the Prometheus text
format to a scraper bearing `MASAR_METRICS_TOKEN` or calling from `MASAR_METRICS_ALLOWED_IPS`.
"""

from __future__ import annotations

import ipaddress
import os
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.exposition import choose_encoder

from masar.core.error_codes import CoreError
from masar.core.health import readiness_check
from masar.core.metrics.collector import MasarCollector
from masar.core.metrics.http import REGISTRY


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    readiness = readiness_check()
    return JsonResponse(readiness.as_dict(), status=200 if readiness.ok else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """A scraper with the token, or calling from an allowed address or network."""
    token = settings.MASAR_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer "):
        return secrets.compare_digest(given.removeprefix("Bearer ").encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in settings.MASAR_METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def metrics_registry() -> CollectorRegistry:
    """This process's request metrics (or every gunicorn worker's, in multiprocess mode)
    and the database-derived gauges."""
    registry = CollectorRegistry(auto_describe=True)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(MasarCollector())
    return registry


class _ProcessMetrics:
    """The metrics of this process's own registry, re-exposed in a scrape's registry."""

    def collect(self):  # type: ignore[no-untyped-def]
        return REGISTRY.collect()

    def describe(self):  # type: ignore[no-untyped-def]
        return []


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return JsonResponse(
            {
                "code": CoreError.METRICS_FORBIDDEN,
                "message": _("Metrics are served only to the monitoring system."),
                "fields": {},
            },
            status=403,
        )
    # The classic text format, or OpenMetrics when the scraper asks for it.
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encoder(metrics_registry()), content_type=content_type)
