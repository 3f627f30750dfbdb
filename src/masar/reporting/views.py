"""Reporting pages: the dashboards (one per ministry, one per company, scoped), CSV/XLSX
export of every table, the on-demand refresh and the paper baseline (ministry), the weekly
reports, and the public open-data page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from masar.accounts.models import User
from masar.accounts.permissions import is_licensing_staff
from masar.accounts.roles import MINISTRY_KINDS
from masar.core.errors import MasarError, NotFound
from masar.core.labels import port_type_label
from masar.core.params import is_whole_number
from masar.reporting import opendata, selectors, services
from masar.reporting.exports import table_csv, table_xlsx
from masar.reporting.models import WeeklyReport
from masar.seasons.models import Season


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _is_ministry(actor: User) -> bool:
    return actor.organization is not None and actor.organization.kind in MINISTRY_KINDS


def _filters(request: HttpRequest) -> dict[str, Any]:
    params = request.GET
    code = params.get("season", "").strip()
    season: Season | None = selectors.season_by_code(code) if code else selectors.default_season()
    if season is None:
        raise Http404(_("No season yet."))
    company = params.get("company", "").strip()
    if company and not is_whole_number(company):
        raise NotFound("reporting_company_not_found", _("No such company."))
    return {
        "season": season,
        "since": selectors.parse_day(params.get("since"), "since"),
        "until": selectors.parse_day(params.get("until"), "until"),
        "company_id": int(company) if company else None,
    }


def _board(request: HttpRequest) -> selectors.Dashboard:
    actor = _actor(request)
    if selectors.dashboard_kind(actor) is None:
        raise PermissionDenied(_("Dashboards are for the ministries and companies."))
    try:
        return selectors.dashboard(actor=actor, **_filters(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


TITLES = {  # lazy: translated for each request
    "mohu": gettext_lazy("Season dashboard — ministry of Hajj and Umrah"),
    "mofa": gettext_lazy("Visa dashboard — ministry of foreign affairs"),
    "moi": gettext_lazy("Ports and stays dashboard — ministry of interior"),
    "company": gettext_lazy("Company dashboard"),
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    try:
        board = _board(request)
    except MasarError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:dashboard")
    query: dict[str, str] = {
        k: str(v)
        for k, v in request.GET.items()
        if k in ("season", "since", "until", "company") and v
    }
    charts = [
        {"id": table.id, "data_id": f"chartdata-{table.id}", "spec": table.chart}
        for table in board.tables
        if table.chart_has_data
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "board": board,
            "title": TITLES[board.kind],
            "seasons": selectors.seasons(),
            "companies": selectors.companies_for_filter(actor),
            "query": urlencode(query),
            "charts": charts,
            "is_ministry": _is_ministry(actor),
            "can_edit_baseline": board.kind == "mohu" and is_licensing_staff(actor),
            "baseline": services.paper_baseline_for(board.season) if board.kind == "mohu" else None,
        },
    )


@login_required
def export(request: HttpRequest, table_id: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    board = _board(request)
    try:
        table = board.table(table_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    name = f"{board.season.code}-{board.kind}-{table.id}"
    if fmt == "csv":
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    body = table_xlsx(table, right_to_left=(get_language() or "ar").startswith("ar"))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not _is_ministry(actor):
        raise PermissionDenied
    season = get_object_or_404(Season, code=request.POST.get("season", ""))
    result = services.indicators_refresh(season=season)
    messages.success(
        request,
        _("Indicators recomputed: %(n)d figures.")
        % {"n": result.count_rows + result.duration_rows},
    )
    return redirect(reverse("reporting:dashboard") + "?" + urlencode({"season": season.code}))


@login_required
@require_POST
def baseline(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    season = get_object_or_404(Season, code=request.POST.get("season", ""))
    try:
        services.paper_baseline_update(
            actor=actor,
            season=season,
            days_end_to_end=Decimal(request.POST.get("days_end_to_end", "")),
            staff_minutes_per_application=int(
                request.POST.get("staff_minutes_per_application", "")
            ),
            staff_minutes_per_manual_decision=int(
                request.POST.get("staff_minutes_per_manual_decision", "")
            ),
        )
        messages.success(request, _("The paper-process baseline is saved."))
    except (InvalidOperation, ValueError):
        messages.error(request, _("The baseline is not valid."))
    except MasarError as exc:
        if exc.status == 403:
            raise PermissionDenied(str(exc)) from exc
        messages.error(request, str(exc))
    return redirect(
        reverse("reporting:dashboard") + "?" + urlencode({"season": season.code}) + "#time-saved"
    )


@login_required
def weekly(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not _is_ministry(actor):
        raise PermissionDenied
    if request.method == "POST":
        season = get_object_or_404(Season, code=request.POST.get("season", ""))
        try:
            week = int(request.POST.get("week", ""))
            report = services.weekly_report_generate(season=season, week=week, actor=actor)
            messages.success(request, _("The report of week %(w)d is ready.") % {"w": report.week})
        except ValueError:
            messages.error(request, _("Give the week's number."))
        except MasarError as exc:
            messages.error(request, str(exc))
        return redirect("reporting:weekly")
    return render(
        request,
        "reporting/weekly.html",
        {
            "reports": WeeklyReport.objects.select_related("season").order_by(
                "-season__starts_on", "-week"
            )[:100],
            "seasons": selectors.seasons(),
            "default_season": selectors.default_season(),
        },
    )


@login_required
def weekly_pdf(request: HttpRequest, report_id: int) -> FileResponse:
    if not _is_ministry(_actor(request)):
        raise PermissionDenied
    report = get_object_or_404(WeeklyReport.objects.select_related("season"), pk=report_id)
    return FileResponse(
        report.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{report.season.code}-week-{report.week:02d}.pdf",
    )


def _open_data_cell(field: opendata.Field, value: Any) -> dict[str, Any]:
    """One preview cell as a person reads it: labels for enumerations and yes/no, codes and
    dates kept as data, an empty count marked as withheld."""
    if value is None:
        return {"withheld": True}
    if value is True or value is False:
        return {"text": _("yes") if value else _("no")}
    if field.name == "port_type":
        return {"text": port_type_label(str(value))}
    return {"data": value}


def open_data(request: HttpRequest) -> HttpResponse:
    """Public: the datasets, their fields, downloads and a preview."""
    previews = []
    for dataset in opendata.DATASETS.values():
        rows = opendata.dataset_rows(dataset)
        cells = [
            [_open_data_cell(field, row.get(field.name)) for field in dataset.fields]
            for row in rows[-12:]
        ]
        previews.append({"dataset": dataset, "rows": cells, "count": len(rows)})
    return render(
        request,
        "reporting/open_data.html",
        {"previews": previews, "threshold": opendata.min_cell()},
    )
