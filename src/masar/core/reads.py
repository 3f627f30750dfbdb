"""Recording reads of personal data: one insert per request (ADR 0106).

A page or endpoint that shows personal data (a pilgrim's identity, passport, travel or
screening) calls `personal_data_read` once with what it showed: one record for a detail, the
ids of the page for a list, with the query that selected them. Nothing is recorded for
anonymous callers (they see nothing personal). A read that cannot be recorded is not
served: the error propagates (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone

from masar.accounts.models import User
from masar.core.models import PersonalDataRead

#: Query parameters that only page through a list: not part of what was asked.
_PAGING = frozenset({"page", "cursor", "before", "page_size"})
#: Most ids one row names (a list page is at most this long).
MAX_IDS = 500


def _query(request: HttpRequest) -> str:
    params = request.GET if request.method == "GET" else request.POST
    asked = [
        f"{key}={value}"
        for key in sorted(params)
        if key not in _PAGING and key != "csrfmiddlewaretoken"
        for value in params.getlist(key)
        if value != ""
    ]
    return "&".join(asked)[:500]


def personal_data_read(
    request: HttpRequest,
    *,
    record_type: str,
    ids: Iterable[int | str] = (),
    total: int | None = None,
) -> PersonalDataRead | None:
    """Record that the request's user read these records of `record_type` (one row).

    An export too large to name its records passes `total` instead of the ids: the row
    names the query and the count, and no record."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    shown = [str(i) for i in ids][:MAX_IDS]
    count = len(shown) if total is None else total
    if not count:
        return None
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match is not None and match.view_name else ""
    source = f"{request.method} {request.path}"[:150]
    if view:
        source = f"{source} ({view})"[:200]
    row = PersonalDataRead(
        at=timezone.now(),
        user=user,
        organization_id=user.organization_id,
        record_type=record_type,
        records="," + ",".join(shown) + "," if shown else "",
        record_count=count,
        source=source,
        query=_query(request),
    )
    row.save()
    return row
