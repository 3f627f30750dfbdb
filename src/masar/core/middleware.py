from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from masar.core.context import Origin, origin_scope
from masar.core.throttling import client_address


class RequestOriginMiddleware:
    """Records the request's address, agent and id so that audit entries can name them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        origin = Origin(
            channel=channel,
            ip=client_address(request),  # behind trusted proxies, the client's own
            user_agent=request.headers.get("User-Agent", ""),
            request_id=request_id[:64],
        )
        with origin_scope(origin):
            response = self.get_response(request)
        response["X-Request-Id"] = origin.request_id
        return response
