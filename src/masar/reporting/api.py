"""The reporting API: a dashboard's figures (scoped like the pages), the on-demand
refresh of the aggregates and the paper baseline (ministry), weekly reports (ministries),
and the public open-data endpoints (`open-data/`, aggregates only, small cells withheld)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import MINISTRY_KINDS, Role
from masar.core.api.schema import error_responses
from masar.core.errors import Forbidden, NotFound
from masar.core.params import is_whole_number
from masar.reporting import opendata, selectors, services
from masar.reporting.error_codes import ReportingError
from masar.reporting.exports import rows_csv
from masar.reporting.models import WeeklyReport
from masar.seasons.models import Season

MINISTRY_STAFF = [Role.LICENSING_OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.VISA_OFFICER, Role.SECURITY_ANALYST, Role.BORDER_OFFICER, Role.INTEGRATION]  # fmt: skip


class _Scoped(APIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def ministry_only(self) -> None:
        org = self.actor().organization
        if org is None or org.kind not in MINISTRY_KINDS:
            raise Forbidden(ReportingError.NOT_ALLOWED, _("This is for the ministries."))


def _season(code: str | None) -> Season:
    if code:
        return selectors.season_by_code(code)
    season = selectors.default_season()
    if season is None:
        raise NotFound(ReportingError.SEASON_NOT_FOUND, _("No such season."))
    return season


def _int_or_none(value: str | None, name: str) -> int | None:
    if not value:
        return None
    if not is_whole_number(value):
        raise NotFound(ReportingError.COMPANY_NOT_FOUND, _("No such company."))
    return int(value)


FILTERS = [
    OpenApiParameter("season", str, description="Season code (default: the current season)"),
    OpenApiParameter("since", OpenApiTypes.DATE, description="First kingdom-local day"),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Last kingdom-local day"),
    OpenApiParameter(
        "company", int, description="A company's id (ministries; a company sees its own only)"
    ),
]


def dashboard_dict(board: selectors.Dashboard) -> dict[str, Any]:
    return {
        "kind": board.kind,
        "season": board.season.code,
        "company_id": board.scope.company.pk if board.scope.company else None,
        "since": board.since,
        "until": board.until,
        "refreshed_at": board.refreshed_at,
        "kpis": board.kpis,
        "time_saved": board.time_saved,
        "tables": [table.as_dict() for table in board.tables],
    }


class DashboardApi(_Scoped):
    @extend_schema(
        parameters=FILTERS,
        responses={200: OpenApiTypes.OBJECT, **error_responses(400, 403, 404)},
        summary="The caller's dashboard: key figures and every table (scoped)",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        board = selectors.dashboard(
            actor=self.actor(),
            season=_season(params.get("season")),
            since=selectors.parse_day(params.get("since"), "since"),
            until=selectors.parse_day(params.get("until"), "until"),
            company_id=_int_or_none(params.get("company"), "company"),
        )
        return Response(dashboard_dict(board))


class RefreshApi(_Scoped):
    required_roles = MINISTRY_STAFF

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReportingRefresh"

        season = serializers.CharField()
        since = serializers.DateField(required=False)
        until = serializers.DateField(required=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: OpenApiTypes.OBJECT, **error_responses(400, 403, 404)},
        summary="Recompute a season's indicators now, for some days or the whole season",
    )
    def post(self, request: Request) -> Response:
        self.ministry_only()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        season = selectors.season_by_code(data.validated_data["season"])
        since: dt.date | None = data.validated_data.get("since")
        until: dt.date | None = data.validated_data.get("until")
        if (since is None) != (until is None):
            since = until = None
        if since is not None and until is not None and since > until:
            since, until = until, since
        result = services.indicators_refresh(season=season, since=since, until=until)
        return Response(
            {
                "season": season.code,
                "since": result.since,
                "until": result.until,
                "count_rows": result.count_rows,
                "duration_rows": result.duration_rows,
            }
        )


class BaselineApi(_Scoped):
    required_roles_by_method = {"PUT": [Role.LICENSING_OFFICER, Role.SUPERVISOR]}

    class BaselineSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PaperBaseline"

        days_end_to_end = serializers.DecimalField(max_digits=6, decimal_places=1)
        staff_minutes_per_application = serializers.IntegerField()
        staff_minutes_per_manual_decision = serializers.IntegerField()

    @extend_schema(
        responses={200: BaselineSerializer, **error_responses(403, 404)},
        summary="A season's paper-process baseline (ministries)",
    )
    def get(self, request: Request, code: str) -> Response:
        self.ministry_only()
        baseline = services.paper_baseline_for(selectors.season_by_code(code))
        return Response(self.BaselineSerializer(baseline).data)

    @extend_schema(
        request=BaselineSerializer,
        responses={200: BaselineSerializer, **error_responses(400, 403, 404)},
        summary="Set a season's paper-process baseline (licensing staff of the ministry)",
    )
    def put(self, request: Request, code: str) -> Response:
        season = selectors.season_by_code(code)
        data = self.BaselineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        baseline = services.paper_baseline_update(
            actor=self.actor(), season=season, **data.validated_data
        )
        return Response(self.BaselineSerializer(baseline).data)


class WeeklyReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    season = serializers.CharField(source="season.code")
    week = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    generated_at = serializers.DateTimeField()


class WeeklyReportsApi(_Scoped):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WeeklyReportGenerate"

        season = serializers.CharField()
        week = serializers.IntegerField(min_value=1)

    @extend_schema(
        responses={200: WeeklyReportOutput(many=True), **error_responses(403)},
        summary="Generated weekly season reports (ministries)",
    )
    def get(self, request: Request) -> Response:
        self.ministry_only()
        reports = WeeklyReport.objects.select_related("season").order_by("-generated_at", "-pk")
        return Response(WeeklyReportOutput(reports[:200], many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: WeeklyReportOutput, **error_responses(400, 403, 404)},
        summary="Generate (or regenerate) a week's report now (ministries)",
    )
    def post(self, request: Request) -> Response:
        self.ministry_only()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        season = selectors.season_by_code(data.validated_data["season"])
        report = services.weekly_report_generate(
            season=season, week=data.validated_data["week"], actor=self.actor()
        )
        return Response(WeeklyReportOutput(report).data, status=status.HTTP_201_CREATED)


class WeeklyReportPdfApi(_Scoped):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **error_responses(403, 404)},
        summary="A weekly report's PDF (ministries)",
    )
    def get(self, request: Request, report_id: int) -> FileResponse:
        self.ministry_only()
        report = get_object_or_404(WeeklyReport.objects.select_related("season"), pk=report_id)
        return FileResponse(
            report.pdf.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{report.season.code}-week-{report.week:02d}.pdf",
        )


# --- Open data (public) ---------------------------------------------------------------


class _Public(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle]


def _dataset(slug: str) -> opendata.Dataset:
    dataset = opendata.DATASETS.get(slug)
    if dataset is None:
        raise NotFound(ReportingError.DATASET_NOT_FOUND, _("No such dataset."))
    return dataset


class OpenDataIndexApi(_Public):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="Open data: the published datasets and their fields (public)",
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "threshold": opendata.min_cell(),
                "datasets": [
                    {
                        "slug": d.slug,
                        "title": str(d.title),
                        "description": str(d.description),
                        "fields": [
                            {"name": f.name, "type": f.type, "description": str(f.description)}
                            for f in d.fields
                        ],
                        "json": request.build_absolute_uri(f"{d.slug}.json"),
                        "csv": request.build_absolute_uri(f"{d.slug}.csv"),
                    }
                    for d in opendata.DATASETS.values()
                ],
            }
        )


SEASON_PARAM = [OpenApiParameter("season", str, description="Only this season (its code)")]


class OpenDataJsonApi(_Public):
    @extend_schema(
        parameters=SEASON_PARAM,
        responses={200: OpenApiTypes.OBJECT, **error_responses(404)},
        summary="An open dataset as JSON: counts under the threshold are null (public)",
    )
    def get(self, request: Request, slug: str) -> Response:
        dataset = _dataset(slug)
        return Response(
            {
                "dataset": dataset.slug,
                "title": str(dataset.title),
                "threshold": opendata.min_cell(),
                "fields": [f.name for f in dataset.fields],
                "rows": opendata.dataset_rows(
                    dataset, season_code=request.query_params.get("season")
                ),
            }
        )


class OpenDataCsvApi(_Public):
    @extend_schema(
        parameters=SEASON_PARAM,
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(404)},
        summary="An open dataset as CSV: withheld counts are empty (public)",
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        dataset = _dataset(slug)
        rows = opendata.dataset_rows(dataset, season_code=request.query_params.get("season"))
        body = rows_csv([f.name for f in dataset.fields], rows)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.csv"'
        return response
