"""Masar's URL map for the integration tests: the real one, plus the integration pages
(until the root URL map includes them) and one API endpoint that fails once on purpose."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path

from masar.urls import urlpatterns as masar_urlpatterns

FLAKY_CALLS: list[bytes] = []


def flaky(request: HttpRequest) -> HttpResponse:
    """Answers 503 to its first call, then 201 with how many calls it has had."""
    FLAKY_CALLS.append(request.body)
    if len(FLAKY_CALLS) == 1:
        return JsonResponse(
            {"code": "unavailable", "message": "try again", "fields": {}}, status=503
        )
    return HttpResponse(
        json.dumps({"calls": len(FLAKY_CALLS)}), status=201, content_type="application/json"
    )


def _has_integration_pages(patterns: list[URLPattern | URLResolver]) -> bool:
    return any(getattr(p, "namespace", None) == "integration" for p in patterns)


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/test/flaky/", flaky),
    *masar_urlpatterns,
]
if not _has_integration_pages(masar_urlpatterns):
    urlpatterns.append(path("", include("masar.integration.urls")))
