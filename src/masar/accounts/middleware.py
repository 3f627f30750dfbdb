from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
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


LAST_SEEN_KEY = "masar_last_seen"
IDLE_LIMIT_KEY = "masar_idle_limit"
# The last-seen time is written at most this often, so that a busy page does not save
# its session on every request.
LAST_SEEN_RESOLUTION_SECONDS = 60


def idle_limit_minutes(user: User) -> int:
    """How long a signed-in person may stay idle: shorter for the staff of the ministries."""
    if user.is_ministry_staff:
        return int(settings.MASAR_SESSION_IDLE_MINUTES_MINISTRY)
    return int(settings.MASAR_SESSION_IDLE_MINUTES)


def idle_sign_out_message(request: HttpRequest) -> str:
    """What the sign-in page says to a person the idle timeout signed out."""
    minutes = request.GET.get("idle", "")
    if not (minutes.isascii() and minutes.isdigit()) or len(minutes) > 5:
        return ""
    return _("You were signed out after %(minutes)d minutes without activity. Sign in again.") % {
        "minutes": int(minutes)
    }


class SessionIdleTimeoutMiddleware:
    """Signs a person out when their session has been idle longer than their limit
    (`idle_limit_minutes`). Pages go to the sign-in page, which says why; API calls made
    with the session are answered as anonymous ones. Bearer tokens have no session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            response = self.get_response(request)
            signed_in = getattr(request, "user", None)
            if signed_in is not None and signed_in.is_authenticated:
                # Signed in by this request: the idle clock starts now.
                request.session[LAST_SEEN_KEY] = int(timezone.now().timestamp())
            return response
        session = request.session
        now = int(timezone.now().timestamp())
        limit = session.get(IDLE_LIMIT_KEY)
        if not isinstance(limit, int):
            limit = idle_limit_minutes(user)  # type: ignore[arg-type]
            session[IDLE_LIMIT_KEY] = limit
        last_seen = session.get(LAST_SEEN_KEY)
        if isinstance(last_seen, int) and now - last_seen > limit * 60:
            logout(request)
            if request.path.startswith("/api/"):
                return self.get_response(request)
            query = urlencode({"next": request.get_full_path(), "idle": limit})
            return redirect(f"{reverse(settings.LOGIN_URL)}?{query}")
        if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
            session[LAST_SEEN_KEY] = now
        return self.get_response(request)
