from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def masar(request: HttpRequest) -> dict[str, Any]:
    return {
        "MASAR_ENV": settings.MASAR_ENV,
        "MASAR_OTP_REQUIRED": settings.MASAR_REQUIRE_MINISTRY_OTP,
    }
