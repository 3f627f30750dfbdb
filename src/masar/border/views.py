"""Pages of the border e-track: the border officer's screen (scan, verdict, one key to
record) and the lists of who is in the country, who is due to leave and who overstayed,
with their CSV exports and the company's escape notice."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masar.accounts.models import User
from masar.applications.models import Application, Pilgrim
from masar.border import lists
from masar.border.forms import (
    CheckForm,
    EscapeNoticeForm,
    RecordForm,
    ScanInput,
    scan_input,
    scan_readable,
)
from masar.border.models import Direction, OverstayStatus, Port, PortAssignment
from masar.border.services import (
    CrossingVerdict,
    crossing_check,
    crossing_record,
    escape_notice_file,
)
from masar.core.errors import MasarError
from masar.core.pagination import KeysetPaginator, capped_count
from masar.core.params import is_whole_number
from masar.core.reads import personal_data_read
from masar.photos.rendering import portrait_data_uri
from masar.visas.models import Visa

PAGE_SIZE = 50
SESSION_DIRECTION = "border.direction"
SESSION_PORT = "border.port"


# --- Who may do what --------------------------------------------------------------------------


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not lists.is_border_officer(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


def _list_reader(request: HttpRequest) -> User:
    user = request.user
    if not lists.can_see_lists(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """`render` with the border links the page's navigation shows to this user."""
    context.setdefault("border_officer", lists.is_border_officer(request.user))
    context.setdefault("border_lists", lists.can_see_lists(request.user))
    return render(request, template, context, status=status)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- The officer's screen ---------------------------------------------------------------------


def _officer_ports(user: User) -> list[Port]:
    """The ports the officer is posted at now (an open assignment to an active port)."""
    return [
        a.port
        for a in PortAssignment.objects.filter(
            user=user, ended_at__isnull=True, port__is_active=True
        )
        .select_related("port")
        .order_by("port__code")
    ]


def _port_choices(ports: list[Port]) -> list[tuple[str, str]]:
    language = get_language() or "ar"
    return [(p.code, f"{p.code} · {p.display_name(language)}") for p in ports]


def _photo_uri(pilgrim: Any) -> str:
    """The pilgrim's portrait inline (the CSP allows data: images; the store is private)."""
    return portrait_data_uri(pilgrim)


@dataclass
class VerdictView:
    """What the screen shows of `crossing_check`'s verdict, with the photo inline."""

    allowed: bool
    direction: str
    reasons: list[tuple[str, str]]
    application: Application | None
    visa: Visa | None
    pilgrim: Pilgrim | None
    permitted_departure: dt.date | None
    days_stayed: int | None
    overstay_days: int | None
    photo: str

    @classmethod
    def of(cls, verdict: CrossingVerdict) -> VerdictView:
        return cls(
            allowed=verdict.allowed,
            direction=verdict.direction,
            reasons=[(str(code), str(message)) for code, message in verdict.reasons],
            application=verdict.application,
            visa=verdict.visa,
            pilgrim=verdict.pilgrim,
            permitted_departure=verdict.permitted_departure,
            days_stayed=verdict.days_stayed,
            overstay_days=verdict.overstay_days,
            photo=_photo_uri(verdict.pilgrim) if verdict.pilgrim is not None else "",
        )


def _check_form(request: HttpRequest, ports: list[Port], data: Any = None) -> CheckForm:
    direction = request.session.get(SESSION_DIRECTION, Direction.ENTRY)
    port = request.session.get(SESSION_PORT, "")
    form = CheckForm(data, ports=_port_choices(ports))
    form.fields["direction"].initial = direction
    if port in {p.code for p in ports}:
        form.fields["port"].initial = port
    return form


def _record_values(scan: ScanInput) -> dict[str, str]:
    return {
        "passport_mrz": scan.passport_mrz,
        "passport_number": scan.passport_number,
        "nationality": scan.nationality,
        "seal": scan.seal,
    }


def _officer_page(
    request: HttpRequest, form: CheckForm, ports: list[Port], *, status: int = 200, **extra: Any
) -> HttpResponse:
    return _render(
        request,
        "border/officer.html",
        {"form": form, "ports": ports, **extra},
        status=status,
    )


@login_required
@require_GET
def officer(request: HttpRequest) -> HttpResponse:
    """The border officer's screen: one input for the MRZ or the seal, the direction and
    the port; the verdict arrives beside it (htmx) and one key records it."""
    actor = _officer(request)
    ports = _officer_ports(actor)
    return _officer_page(request, _check_form(request, ports), ports)


@login_required
@require_POST
def officer_check(request: HttpRequest) -> HttpResponse:
    """The verdict of `crossing_check` for what was scanned (nothing is written)."""
    actor = _officer(request)
    ports = _officer_ports(actor)
    form = _check_form(request, ports, request.POST)
    context: dict[str, Any] = {"form": form}
    status = 200
    if not form.is_valid():
        context["form_errors"] = True
        status = 400
    else:
        data = form.cleaned_data
        # Kept for the shift; written only when changed (a session write per scan is waste).
        for key, value in ((SESSION_DIRECTION, data["direction"]), (SESSION_PORT, data["port"])):
            if request.session.get(key) != value:
                request.session[key] = value
        scan = scan_input(data["scan"])
        if not scan_readable(scan):
            context["not_read"] = True
            context["scan"] = data["scan"]
            return _verdict_answer(request, form, ports, context, status=400)
        try:
            verdict = crossing_check(
                actor=actor,
                port_code=data["port"],
                direction=data["direction"],
                passport_mrz=scan.passport_mrz,
                passport_number=scan.passport_number,
                nationality=scan.nationality,
                seal=scan.seal,
            )
        except MasarError as exc:
            context["error"] = str(exc.message)
            status = 400
        else:
            context["verdict"] = VerdictView.of(verdict)
            context["client_event_id"] = uuid.uuid4().hex
            context["scan"] = data["scan"]
            context["direction"] = data["direction"]
            context["port"] = data["port"]
    return _verdict_answer(request, form, ports, context, status=status)


def _verdict_answer(
    request: HttpRequest,
    form: CheckForm,
    ports: list[Port],
    context: dict[str, Any],
    *,
    status: int,
) -> HttpResponse:
    if _is_htmx(request):
        # htmx swaps 2xx answers only: the partial carries its own error block.
        return _render(request, "border/partials/verdict.html", context)
    context.pop("form", None)
    return _officer_page(request, form, ports, status=status, **context)


@login_required
@require_POST
def officer_record(request: HttpRequest) -> HttpResponse:
    """Record what was checked with `crossing_record`. The client event id was generated
    with the verdict: pressing the key twice records once and answers the same."""
    actor = _officer(request)
    ports = _officer_ports(actor)
    form = RecordForm(request.POST, ports=_port_choices(ports))
    context: dict[str, Any] = {}
    status = 200
    if not form.is_valid():
        context["error"] = _("The crossing could not be recorded: check again.")
        status = 400
    elif not scan_readable(scan_input(form.cleaned_data["scan"])):
        # Never a record of something the desk did not read, whatever was posted.
        context["error"] = _("Not read: scan the passport or the visa seal again.")
        status = 400
    else:
        data = form.cleaned_data
        try:
            result = crossing_record(
                actor=actor,
                port_code=data["port"],
                direction=data["direction"],
                occurred_at=timezone.now(),
                client_event_id=data["client_event_id"],
                source="officer",
                **_record_values(scan_input(data["scan"])),
            )
        except MasarError as exc:
            context["error"] = str(exc.message)
            status = 400
        else:
            context["result"] = result
            context["crossing"] = result.crossing
            context["stay"] = result.stay
    if _is_htmx(request):
        return _render(request, "border/partials/recorded.html", context)
    check_form = _check_form(request, ports)
    return _officer_page(request, check_form, ports, status=status, recorded=context)


# --- Lists ------------------------------------------------------------------------------------

#: How reads of the lists are recorded (`masar.core.reads`).
STAY = "border.stay"
OVERSTAY = "border.overstay"


def _page(request: HttpRequest, qs: Any) -> Any:
    return KeysetPaginator(qs, PAGE_SIZE).get_page(request.GET.get("cursor"))


def _list_context(request: HttpRequest, actor: User) -> dict[str, Any]:
    language = get_language() or "ar"
    return {
        "filters": lists.ListFilters.from_query(request.GET),
        "choices": lists.filter_choices(actor=actor, language=language),
        "can_file": lists.can_file_escape_notice(actor),
    }


def _csv_response(name: str, chunks: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _days(request: HttpRequest) -> int:
    value = request.GET.get("days", "")
    days = int(value) if is_whole_number(value) else lists.DUE_DAYS_DEFAULT
    return max(1, min(days, lists.DUE_DAYS_MAX))


@login_required
@require_GET
def in_country(request: HttpRequest) -> HttpResponse:
    """Who is in the country now, filtered and optionally counted by a grouping."""
    actor = _list_reader(request)
    context = _list_context(request, actor)
    qs = lists.in_country(actor=actor, filters=context["filters"])
    group = request.GET.get("group", "")
    if group in lists.GROUPINGS:
        context["groups"] = lists.group_counts(qs, by=group, language=get_language() or "ar")
    page = _page(request, qs)
    personal_data_read(request, record_type=STAY, ids=[s.pk for s in page])
    context.update(
        page=page,
        total=capped_count(qs),
        group=group,
        groupings=list(lists.GROUPINGS.items()),
        today=lists.kingdom_today(),
    )
    return _render(request, "border/in_country.html", context)


@login_required
@require_GET
def in_country_csv(request: HttpRequest) -> StreamingHttpResponse:
    actor = _list_reader(request)
    qs = lists.in_country(actor=actor, filters=lists.ListFilters.from_query(request.GET))
    personal_data_read(request, record_type=STAY, total=qs.count())
    return _csv_response(
        "in-country", lists.csv_chunks(lists.STAY_CSV_HEADER, lists.stay_csv_rows(qs))
    )


@login_required
@require_GET
def due_to_leave(request: HttpRequest) -> HttpResponse:
    """Who must leave in the next N days (today included)."""
    actor = _list_reader(request)
    context = _list_context(request, actor)
    days = _days(request)
    today = lists.kingdom_today()
    qs = lists.due_to_leave(actor=actor, days=days, filters=context["filters"], today=today)
    page = _page(request, qs)
    personal_data_read(request, record_type=STAY, ids=[s.pk for s in page])
    context.update(
        page=page,
        total=capped_count(qs),
        days=days,
        today=today,
        last_day=today + dt.timedelta(days=days - 1),
        max_days=lists.DUE_DAYS_MAX,
    )
    return _render(request, "border/due.html", context)


@login_required
@require_GET
def due_to_leave_csv(request: HttpRequest) -> StreamingHttpResponse:
    actor = _list_reader(request)
    qs = lists.due_to_leave(
        actor=actor, days=_days(request), filters=lists.ListFilters.from_query(request.GET)
    )
    personal_data_read(request, record_type=STAY, total=qs.count())
    return _csv_response(
        "due-to-leave", lists.csv_chunks(lists.STAY_CSV_HEADER, lists.stay_csv_rows(qs))
    )


def _overstay_status(request: HttpRequest) -> str:
    status = request.GET.get("status", "open")
    return status if status in lists.OVERSTAY_STATUSES else "open"


@dataclass
class OverstayRow:
    overstay: Any
    days: int
    notice_overdue: bool
    can_file: bool


@login_required
@require_GET
def overstays(request: HttpRequest) -> HttpResponse:
    """The overstayers, with the escape-notice state and deadline; a company files its
    escape notice from here."""
    actor = _list_reader(request)
    context = _list_context(request, actor)
    status = _overstay_status(request)
    qs = lists.overstayers(actor=actor, status=status, filters=context["filters"])
    page = _page(request, qs)
    personal_data_read(request, record_type=OVERSTAY, ids=[o.pk for o in page])
    now = timezone.now()
    today = timezone.localdate(now)
    rows = [
        OverstayRow(
            overstay=o,
            days=lists.days_overstayed_so_far(o, today),
            notice_overdue=o.escape_notice_filed_at is None and o.notice_due_at < now,
            can_file=context["can_file"]
            and o.escape_notice_filed_at is None
            and o.status == OverstayStatus.OPEN,
        )
        for o in page
    ]
    context.update(
        page=page,
        rows=rows,
        total=capped_count(qs),
        status=status,
        statuses=[
            ("open", _("Still in the country")),
            ("closed", _("Left late")),
            ("all", _("All")),
        ],
    )
    return _render(request, "border/overstays.html", context)


@login_required
@require_GET
def overstays_csv(request: HttpRequest) -> StreamingHttpResponse:
    actor = _list_reader(request)
    qs = lists.overstayers(
        actor=actor,
        status=_overstay_status(request),
        filters=lists.ListFilters.from_query(request.GET),
    )
    personal_data_read(request, record_type=OVERSTAY, total=qs.count())
    return _csv_response(
        "overstayers", lists.csv_chunks(lists.OVERSTAY_CSV_HEADER, lists.overstay_csv_rows(qs))
    )


@login_required
@require_http_methods(["GET", "POST"])
def escape_notice(request: HttpRequest, overstay_id: int) -> HttpResponse:
    """The company's escape notice for one of its overstayers: a statement and evidence."""
    actor = _list_reader(request)
    if not lists.can_file_escape_notice(actor):
        raise PermissionDenied
    overstay = lists.overstay_for_notice(actor=actor, overstay_id=overstay_id)
    if overstay is None:
        raise Http404
    already = overstay.escape_notice_filed_at is not None
    closed = overstay.status != OverstayStatus.OPEN
    form = EscapeNoticeForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and (already or closed):
        status = 409
    elif request.method == "POST":
        if form.is_valid():
            try:
                notice = escape_notice_file(
                    actor=actor,
                    overstay=overstay,
                    statement=form.cleaned_data["statement"],
                    evidence=form.cleaned_data["evidence"],
                )
            except MasarError as exc:
                for name, problems in exc.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, str(problem))
                if not exc.fields:
                    form.add_error(None, str(exc.message))
            else:
                if notice.late:
                    messages.warning(
                        request, _("The escape notice was filed after the deadline (late).")
                    )
                else:
                    messages.success(request, _("The escape notice was filed."))
                return redirect("border:overstays")
        status = 400
    return _render(
        request,
        "border/escape_notice.html",
        {
            "overstay": overstay,
            "form": form,
            "already": already,
            "closed": closed,
            "days": lists.days_overstayed_so_far(overstay),
            "now": timezone.now(),
        },
        status=status,
    )
