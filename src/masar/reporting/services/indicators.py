"""Recompute a season's maintained aggregates, set-based.

Every figure is one `INSERT INTO ... SELECT ... GROUP BY` over the recording table (the
database does the counting; no row travels to Python), for either the whole season or a
range of kingdom-local days. The rows of the range are deleted first, in the same
transaction, under a lock on the season's `IndicatorRefresh` row: a refresh is idempotent
and two refreshes of one season never interleave.

Durations (submission to decision, to issuance; waiting for a security review) are kept as
histograms of fixed buckets (`DURATION_BUCKETS`), from which the medians and 90th
percentiles are read on both PostgreSQL and SQLite (see docs/adr/0091).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from masar.reporting.models import (
    ALL_SCOPE,
    DailyCount,
    DailyDuration,
    Dimension,
    IndicatorRefresh,
    Measure,
    Metric,
)
from masar.seasons.models import Season

MINUTE = 60
HOUR = 3600
DAY = 86400
# Lower bounds, in seconds, of the duration buckets; the last bucket is open-ended.
DURATION_BUCKETS: tuple[int, ...] = (
    0, 10, 30, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
    HOUR, 2 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 3 * DAY, 5 * DAY,
    7 * DAY, 10 * DAY, 14 * DAY, 21 * DAY, 30 * DAY, 60 * DAY,
)  # fmt: skip

# Days recomputed by the periodic job: late crossings from gates arrive within this window.
RECENT_DAYS = 3


@dataclass(frozen=True)
class RefreshResult:
    season_id: int
    since: dt.date | None
    until: dt.date | None
    count_rows: int
    duration_rows: int


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_tz())


def _as_key(field: str) -> Any:
    return Cast(F(field), output_field=CharField(max_length=40))


def _insert_select(model: type[Model], columns: list[str], qs: QuerySet[Any]) -> int:
    """INSERT INTO <model's table> (columns) <the queryset's SELECT>; returns rows added."""
    sql, params = qs.query.sql_with_params()
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(name) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # noqa: S608 - compiled ORM
        return max(cursor.rowcount, 0)


COUNT_COLUMNS = ["season_id", "day", "metric", "scope", "dimension", "key", "count"]
DURATION_COLUMNS = [
    "season_id", "day", "measure", "scope", "dimension", "key", "bucket", "count",
]  # fmt: skip


@dataclass(frozen=True)
class Source:
    """One figure: which rows of which table, the moment that dates them, and the
    expressions of the dimensions it is broken down by (per scope)."""

    name: str  # a Metric or a Measure
    queryset: Any  # a callable(season) -> QuerySet
    moment: str  # the field that dates a row (datetime), or a date field when `is_date`
    dimensions: Mapping[str, Any]  # dimension -> expression, for scope "all"
    company_dimensions: Mapping[str, Any] | None = None  # the same within a company's scope
    company_field: str = "company_id"
    is_date: bool = False
    start: str = ""  # for durations: the field where the duration starts


def _application_dimensions(*, with_company: bool) -> dict[str, Any]:
    dims: dict[str, Any] = {
        Dimension.TOTAL: Value(""),
        Dimension.NATIONALITY: F("pilgrim__nationality"),
        Dimension.AGENT: _as_key("agent_id"),
    }
    if with_company:
        dims[Dimension.COMPANY] = _as_key("company_id")
    return dims


def _application_sources() -> list[Source]:
    from masar.applications.models import Application

    def apps(**filters: Any) -> Any:
        return lambda season: Application.objects.filter(season=season, **filters)

    all_dims = _application_dimensions(with_company=True)
    own_dims = _application_dimensions(with_company=False)
    # Histograms multiply rows by their buckets: by agent never, and within a company's
    # scope only its total (docs/adr/0091).
    duration_dims = {k: v for k, v in all_dims.items() if k != Dimension.AGENT}
    own_duration_dims: dict[str, Any] = {Dimension.TOTAL: own_dims[Dimension.TOTAL]}
    return [
        Source(
            Metric.SUBMITTED, apps(submitted_at__isnull=False), "submitted_at", all_dims, own_dims
        ),
        Source(
            Metric.DECIDED_AUTO,
            apps(decided_at__isnull=False, decided_automatically=True),
            "decided_at",
            all_dims,
            own_dims,
        ),
        Source(
            Metric.DECIDED_MANUAL,
            apps(decided_at__isnull=False, decided_automatically=False),
            "decided_at",
            all_dims,
            own_dims,
        ),
        Source(Metric.ISSUED, apps(issued_at__isnull=False), "issued_at", all_dims, own_dims),
        Source(
            Measure.DECISION,
            apps(decided_at__isnull=False, submitted_at__isnull=False),
            "decided_at",
            duration_dims,
            own_duration_dims,
            start="submitted_at",
        ),
        Source(
            Measure.ISSUANCE,
            apps(issued_at__isnull=False, submitted_at__isnull=False),
            "issued_at",
            duration_dims,
            own_duration_dims,
            start="submitted_at",
        ),
    ]


def _screening_sources() -> list[Source]:
    # Security reviews are interior-ministry data: kept for everyone's scope only (ADR 0034).
    from masar.screening.models import Review

    def reviews(**filters: Any) -> Any:
        return lambda season: Review.objects.filter(application__season=season, **filters)

    dims: dict[str, Any] = {Dimension.TOTAL: Value("")}
    return [
        Source(Metric.REVIEWS_OPENED, reviews(), "opened_at", dims),
        Source(Metric.REVIEWS_DECIDED, reviews(decided_at__isnull=False), "decided_at", dims),
        Source(
            Metric.REVIEWS_IN_SLA,
            reviews(decided_at__isnull=False, decided_at__lte=F("due_at")),
            "decided_at",
            dims,
        ),
        Source(
            Measure.REVIEW_WAIT,
            reviews(decided_at__isnull=False),
            "decided_at",
            dims,
            start="opened_at",
        ),
    ]


def _border_sources() -> list[Source]:
    from masar.border.models import Crossing, Overstay, Stay

    def crossings(direction: str) -> Any:
        return lambda season: Crossing.objects.filter(
            season=season, direction=direction, outcome="accepted"
        )

    crossing_dims: dict[str, Any] = {
        Dimension.TOTAL: Value(""),
        Dimension.PORT: F("port__code"),
        Dimension.PORT_TYPE: F("port__port_type"),
        Dimension.CITY: F("port__city"),
        Dimension.NATIONALITY: F("nationality"),
    }
    stay_dims: dict[str, Any] = {
        Dimension.TOTAL: Value(""),
        Dimension.CITY: F("entry_port__city"),
        Dimension.PORT_TYPE: F("entry_port__port_type"),
        Dimension.NATIONALITY: F("nationality"),
    }
    overstay_dims: dict[str, Any] = {
        Dimension.TOTAL: Value(""),
        Dimension.NATIONALITY: F("nationality"),
        Dimension.AGENT: _as_key("agent_id"),
    }

    def with_company(dims: dict[str, Any]) -> dict[str, Any]:
        return {**dims, Dimension.COMPANY: _as_key("company_id")}

    return [
        Source(Metric.ENTRIES, crossings("entry"), "occurred_at", with_company(crossing_dims), crossing_dims),
        Source(Metric.EXITS, crossings("exit"), "occurred_at", with_company(crossing_dims), crossing_dims),
        Source(
            Metric.STAYS_STARTED,
            lambda season: Stay.objects.filter(season=season),
            "entered_at",
            with_company(stay_dims),
            stay_dims,
        ),
        Source(
            Metric.STAYS_ENDED,
            lambda season: Stay.objects.filter(season=season, exited_at__isnull=False),
            "exited_at",
            with_company(stay_dims),
            stay_dims,
        ),
        Source(
            Metric.OVERSTAYS,
            lambda season: Overstay.objects.filter(season=season),
            "detected_on",
            with_company(overstay_dims),
            overstay_dims,
            is_date=True,
        ),
    ]  # fmt: skip


def sources() -> list[Source]:
    return [*_application_sources(), *_screening_sources(), *_border_sources()]


def _bucket_expression() -> Case:
    whens = [
        When(duration__lt=dt.timedelta(seconds=DURATION_BUCKETS[i + 1]), then=Value(lower))
        for i, lower in enumerate(DURATION_BUCKETS[:-1])
    ]
    return Case(*whens, default=Value(DURATION_BUCKETS[-1]), output_field=IntegerField())


def _source_rows(
    source: Source, season: Season, since: dt.date | None, until: dt.date | None
) -> Iterable[tuple[type[Model], list[str], QuerySet[Any]]]:
    is_duration = source.name in Measure.values
    base = source.queryset(season)
    if since is not None and until is not None:
        if source.is_date:
            base = base.filter(**{f"{source.moment}__gte": since, f"{source.moment}__lte": until})
        else:
            base = base.filter(
                **{
                    f"{source.moment}__gte": _day_start(since),
                    f"{source.moment}__lt": _day_start(until + dt.timedelta(days=1)),
                }
            )
    day = F(source.moment) if source.is_date else TruncDate(source.moment, tzinfo=_tz())
    scopes: list[tuple[Any, Mapping[str, Any], QuerySet[Any]]] = [
        (Value(ALL_SCOPE), source.dimensions, base)
    ]
    if source.company_dimensions is not None:
        scopes.append(
            (
                F(source.company_field),
                source.company_dimensions,
                base.filter(**{f"{source.company_field}__isnull": False}),
            )
        )
    for scope_expr, dims, qs in scopes:
        for dimension, key_expr in dims.items():
            annotated = qs.order_by().annotate(
                r_season=Value(season.pk),
                r_day=day,
                r_name=Value(str(source.name)),
                r_scope=scope_expr,
                r_dimension=Value(str(dimension)),
                r_key=key_expr,
            )
            group = ["r_season", "r_day", "r_name", "r_scope", "r_dimension", "r_key"]
            if is_duration:
                annotated = annotated.annotate(
                    duration=ExpressionWrapper(
                        F(source.moment) - F(source.start), output_field=DurationField()
                    )
                ).annotate(r_bucket=_bucket_expression())
                rows = annotated.values(*group, "r_bucket").annotate(r_count=Count("pk"))
                yield DailyDuration, DURATION_COLUMNS, rows
            else:
                rows = annotated.values(*group).annotate(r_count=Count("pk"))
                yield DailyCount, COUNT_COLUMNS, rows


def indicators_refresh(
    *, season: Season, since: dt.date | None = None, until: dt.date | None = None
) -> RefreshResult:
    """Recompute the aggregates of `season` for the kingdom-local days since..until
    (inclusive), or for the whole season when both are None. Idempotent."""
    if (since is None) != (until is None):
        raise ValueError("give both since and until, or neither")
    with transaction.atomic():
        IndicatorRefresh.objects.get_or_create(season=season)
        state = IndicatorRefresh.objects.select_for_update(of=("self",)).get(season=season)
        counts = DailyCount.objects.filter(season=season)
        durations = DailyDuration.objects.filter(season=season)
        if since is not None:
            counts = counts.filter(day__gte=since, day__lte=until)
            durations = durations.filter(day__gte=since, day__lte=until)
        counts._raw_delete(counts.db)  # derived rows: no signal, no cascade to run
        durations._raw_delete(durations.db)
        added = {DailyCount: 0, DailyDuration: 0}
        for source in sources():
            for model, columns, rows in _source_rows(source, season, since, until):
                added[model] += _insert_select(model, columns, rows)
        state.refreshed_at = timezone.now()
        state.since = since
        state.until = until
        state.rows = added[DailyCount] + added[DailyDuration]
        state.save(update_fields=["refreshed_at", "since", "until", "rows"])
    return RefreshResult(
        season_id=season.pk,
        since=since,
        until=until,
        count_rows=added[DailyCount],
        duration_rows=added[DailyDuration],
    )


def indicators_refresh_recent(
    *, days: int = RECENT_DAYS, today: dt.date | None = None
) -> list[RefreshResult]:
    """The periodic job: recompute the last `days` kingdom-local days of every open season
    (a season never refreshed yet is recomputed whole)."""
    today = today or timezone.localdate()
    results = []
    refreshed = set(
        IndicatorRefresh.objects.filter(refreshed_at__isnull=False).values_list(
            "season_id", flat=True
        )
    )
    for season in Season.objects.filter(is_open=True).order_by("pk"):
        if season.pk in refreshed:
            results.append(
                indicators_refresh(
                    season=season, since=today - dt.timedelta(days=days - 1), until=today
                )
            )
        else:
            results.append(indicators_refresh(season=season))
    return results
