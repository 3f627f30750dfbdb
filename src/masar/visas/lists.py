"""Issued visas you can find: the list for the foreign ministry (every visa) and for a
company or an agent (its own), searched by visa or passport number, group and issue date,
paged by a cursor (no count over the table); one visa's PDF and a group's visas as one
ZIP of PDFs (built in the background, with its progress, for a large group)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_POST

from masar.accounts.models import User
from masar.core.errors import MasarError
from masar.core.params import is_whole_number
from masar.visas import selectors
from masar.visas.models import Visa, VisaArchive, VisaArchiveStatus, VisaStatus
from masar.visas.seal import KINGDOM_TZ
from masar.visas.services import archives
from masar.visas.services.common import is_visa_officer

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.organization is None:
        raise PermissionDenied
    return user


def visa_search(qs: QuerySet[Visa], params: Any) -> tuple[QuerySet[Visa], dict[str, str]]:
    """The list filtered by what was asked (each value kept to show it back): a visa or
    passport number (exact, upper case), a group id, the day of issue (Riyadh) and status."""
    kept: dict[str, str] = {}
    if q := params.get("q", "").strip().upper()[:20]:
        kept["q"] = q
        qs = qs.filter(Q(number=q) | Q(application__pilgrim__passport_number=q))
    if is_whole_number(group := params.get("group", "").strip()):
        kept["group"] = group
        qs = qs.filter(application__group_id=int(group))
    issued = params.get("issued", "").strip()
    try:
        day = parse_date(issued) if issued else None
    except ValueError:
        day = None
    if day is not None:
        kept["issued"] = day.isoformat()
        start = dt.datetime.combine(day, dt.time.min, tzinfo=KINGDOM_TZ)
        qs = qs.filter(issued_at__gte=start, issued_at__lt=start + dt.timedelta(days=1))
    if (status := params.get("status", "")) in VisaStatus.values:
        kept["status"] = status
        qs = qs.filter(status=status)
    return qs, kept


@login_required
@require_GET
def visas(request: HttpRequest) -> HttpResponse:
    """`/visas/`: the issued visas the person may read, newest first, 50 a page; the
    next page starts after the last visa shown (`?after=<id>`)."""
    actor = _user(request)
    qs, kept = visa_search(selectors.visa_list(actor), request.GET)
    after = request.GET.get("after", "")
    if is_whole_number(after):
        qs = qs.filter(pk__lt=int(after))
    rows = list(qs.select_related("application__group").order_by("-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "visas/visas.html",
        {
            "rows": rows,
            "kept": kept,
            "next_after": rows[-1].pk if more else None,
            "statuses": VisaStatus.choices,
            "can_cancel": is_visa_officer(actor),
            "group_zip": kept.get("group", ""),
        },
    )


@login_required
@require_POST
def group_archive(request: HttpRequest, group_id: int) -> HttpResponse:
    """Ask for a group's visas as one ZIP: a small group downloads at once, a large one
    goes to its progress page."""
    actor = _user(request)
    try:
        archive = archives.visa_archive_request(actor=actor, group_id=group_id)
    except MasarError as exc:
        messages.error(request, str(exc.message))
        return redirect(f"{reverse('visas:visas')}?group={group_id}")
    if archive.total <= archives.INLINE_LIMIT:
        archives.visa_archive_build(archive_id=archive.pk)
        return redirect("visas:archive-file", archive_id=archive.pk)
    return redirect("visas:archive", archive_id=archive.pk)


def _archive(request: HttpRequest, archive_id: int) -> VisaArchive:
    try:
        return archives.visa_archive_get(actor=_user(request), archive_id=archive_id)
    except MasarError:
        raise Http404 from None


@login_required
@require_GET
def archive_detail(request: HttpRequest, archive_id: int) -> HttpResponse:
    """The progress of a ZIP being built (htmx asks again every two seconds until it is
    ready), then its download link."""
    archive = _archive(request, archive_id)
    template = (
        "visas/partials/archive_progress.html"
        if request.headers.get("HX-Request") == "true"
        else "visas/archive.html"
    )
    return render(request, template, {"archive": archive})


@login_required
@require_GET
def archive_file(request: HttpRequest, archive_id: int) -> FileResponse:
    archive = _archive(request, archive_id)
    if archive.status != VisaArchiveStatus.DONE or not archive.file:
        raise Http404
    return FileResponse(
        archive.file.open("rb"),
        as_attachment=True,
        filename=f"group-{archive.group_id}-visas.zip",
        content_type="application/zip",
    )
