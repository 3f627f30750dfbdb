from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from masar.accounts.permissions import is_licensing_staff
from masar.border.lists import can_see_lists, is_border_officer
from masar.screening.access import is_screening_analyst
from masar.web.workspaces import navigation


def masar(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    licensing = is_licensing_staff(user)
    return {
        "MASAR_ENV": settings.MASAR_ENV,
        "ARABIC_INDIC_DIGITS": settings.MASAR_ARABIC_INDIC_DIGITS,
        "nav_groups": navigation(user),  # type: ignore[arg-type]
        "MASAR_OTP_REQUIRED": settings.MASAR_REQUIRE_MINISTRY_OTP,
        "perms_licensing": licensing,
        "perms_screening": bool(
            user is not None and user.is_authenticated and is_screening_analyst(user)
        ),
        "perms_visa_officer": bool(
            user is not None and user.is_authenticated and user.has_role("visa_officer")
        ),
        "perms_border_officer": is_border_officer(user),
        "perms_border_lists": can_see_lists(user),
        "perms_compliance_company": bool(
            user is not None
            and user.is_authenticated
            and user.organization is not None
            and user.organization.kind == "company"
        ),
        "perms_compliance_ministry": bool(
            user is not None
            and user.is_authenticated
            and user.organization is not None
            and user.organization.is_ministry
        ),
        "perms_dashboard": bool(
            user is not None
            and user.is_authenticated
            and user.organization is not None
            and user.organization.kind in {"mohu", "mofa", "moi", "company"}
        ),
        "perms_supervisor": bool(
            user is not None and user.is_authenticated and user.has_role("supervisor")
        ),
    }
