"""Deprecated API operations: marked in the OpenAPI document and answered with the
`Deprecation` (RFC 9745) and `Sunset` (RFC 8594) headers until they are removed.

An operation is deprecated by adding it below, and recorded in docs/api-changelog.md with its
deprecation window; after the sunset it may be removed (the breaking-change check of the
schema accepts the removal only when the changelog records it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date


@dataclass(frozen=True)
class Deprecation:
    deprecated: date
    sunset: date


# (method, path as in the OpenAPI document) -> its deprecation window.
DEPRECATED_OPERATIONS: dict[tuple[str, str], Deprecation] = {}

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def openapi_path(route: str) -> str:
    """A Django route (`api/v1/companies/<int:company_id>/`) as an OpenAPI path."""
    return "/" + _CONVERTER.sub(r"{\1}", route)


def _seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


class DeprecationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if DEPRECATED_OPERATIONS and match is not None and request.method:
            window = DEPRECATED_OPERATIONS.get((request.method, openapi_path(match.route)))
            if window is not None:
                response["Deprecation"] = f"@{_seconds(window.deprecated)}"
                response["Sunset"] = http_date(_seconds(window.sunset))
        return response
