from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from masar.accounts.permissions import needs_second_factor

# Pages a ministry user without a verified second factor may still open.
OPEN_PREFIXES = (
    "/otp/",
    "/logout/",
    "/login/",
    "/static/",
    "/i18n/",
    "/api/",
    "/verify/",
    "/track/",
)


class SecondFactorRequiredMiddleware:
    """Sends ministry staff to enrol or verify TOTP before any other page (production)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and needs_second_factor(user)  # type: ignore[arg-type]
        ):
            return redirect("web:otp")
        return self.get_response(request)
