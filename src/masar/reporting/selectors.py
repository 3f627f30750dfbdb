"""Reads of the reporting app: indicators from the maintained aggregates, always scoped to
the actor's organization (a company its own figures, the ministries everyone's or one
company's), the dashboards per ministry, and the time saved against the paper process."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.core.errors import Forbidden, NotFound, ValidationFailed
from masar.core.params import is_whole_number
from masar.operators.models import Agent, Company
from masar.reporting.error_codes import ReportingError
from masar.reporting.models import (
    ALL_SCOPE,
    DailyCount,
    DailyDuration,
    Dimension,
    IndicatorRefresh,
    Measure,
    Metric,
)
from masar.reporting.services.baseline import paper_baseline_for
from masar.reporting.services.indicators import DURATION_BUCKETS
from masar.seasons.models import Season

DASHBOARD_KINDS = ("mohu", "mofa", "moi", "company")
TOP = 15


# --- Who sees what ---------------------------------------------------------------------


def dashboard_kind(actor: User) -> str | None:
    """Which dashboard the actor's organization gets, or None (agents, carriers)."""
    org = actor.organization
    if org is None or not actor.is_active:
        return None
    return str(org.kind) if org.kind in DASHBOARD_KINDS else None


@dataclass(frozen=True)
class Scope:
    kind: str
    scope: int  # ALL_SCOPE or a company id
    company: Company | None


def scope_for(actor: User, *, company_id: int | None = None) -> Scope:
    """The figures the actor may read: a company always its own (any other company asked
    for is a 404), a ministry everyone's or the one company it names."""
    kind = dashboard_kind(actor)
    if kind is None:
        raise Forbidden(
            ReportingError.NOT_ALLOWED, _("Dashboards are for the ministries and companies.")
        )
    if kind == OrganizationKind.COMPANY:
        own = Company.objects.select_related("organization").get(organization=actor.organization)
        if company_id is not None and company_id != own.pk:
            raise NotFound(ReportingError.COMPANY_NOT_FOUND, _("No such company."))
        return Scope(kind=kind, scope=own.pk, company=own)
    if company_id is None:
        return Scope(kind=kind, scope=ALL_SCOPE, company=None)
    company = Company.objects.select_related("organization").filter(pk=company_id).first()
    if company is None:
        raise NotFound(ReportingError.COMPANY_NOT_FOUND, _("No such company."))
    return Scope(kind=kind, scope=company.pk, company=company)


def seasons() -> QuerySet[Season]:
    return Season.objects.order_by("-starts_on", "-pk")


def default_season() -> Season | None:
    return seasons().filter(is_open=True).first() or seasons().first()


def season_by_code(code: str) -> Season:
    season = Season.objects.filter(code=code).first()
    if season is None:
        raise NotFound(ReportingError.SEASON_NOT_FOUND, _("No such season."))
    return season


def parse_day(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            ReportingError.INVALID_FILTER,
            _("Dates are written YYYY-MM-DD."),
            fields={name: [_("Dates are written YYYY-MM-DD.")]},
        ) from exc


# --- Aggregates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    season: Season
    scope: int
    since: dt.date | None = None
    until: dt.date | None = None

    def days(self) -> Q:
        q = Q(season=self.season, scope=self.scope)
        if self.since is not None:
            q &= Q(day__gte=self.since)
        if self.until is not None:
            q &= Q(day__lte=self.until)
        return q


def counts_by_day(window: Window, metrics: Sequence[str]) -> dict[dt.date, dict[str, int]]:
    rows = (
        DailyCount.objects.filter(window.days(), metric__in=metrics, dimension=Dimension.TOTAL)
        .values_list("day", "metric", "count")
        .order_by()
    )
    out: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(metrics, 0))
    for day, metric, count in rows:
        out[day][metric] += count
    return dict(sorted(out.items()))


def counts_by_key(
    window: Window, metrics: Sequence[str], dimension: str
) -> dict[str, dict[str, int]]:
    rows = (
        DailyCount.objects.filter(window.days(), metric__in=metrics, dimension=dimension)
        .values("key", "metric")
        .annotate(n=Sum("count"))
        .order_by()
    )
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(metrics, 0))
    for row in rows:
        out[row["key"]][row["metric"]] = int(row["n"])
    return dict(out)


def totals(window: Window, metrics: Sequence[str]) -> dict[str, int]:
    rows = (
        DailyCount.objects.filter(window.days(), metric__in=metrics, dimension=Dimension.TOTAL)
        .values("metric")
        .annotate(n=Sum("count"))
        .order_by()
    )
    out = dict.fromkeys(metrics, 0)
    for row in rows:
        out[row["metric"]] = int(row["n"])
    return out


@dataclass(frozen=True)
class Percentiles:
    count: int
    median: float | None  # seconds
    p90: float | None


def percentile_from_histogram(buckets: list[tuple[int, int]], q: float) -> float | None:
    """The q-quantile (0 < q < 1) of durations kept as (bucket lower bound, count), with
    linear interpolation inside the bucket; the open last bucket answers its lower bound."""
    total = sum(count for _lower, count in buckets)
    if total == 0:
        return None
    rank = q * total
    seen = 0
    ordered = sorted(buckets)
    for lower, count in ordered:
        if count <= 0:
            continue
        if seen + count >= rank:
            index = DURATION_BUCKETS.index(lower)
            if index + 1 >= len(DURATION_BUCKETS):
                return float(lower)
            upper = DURATION_BUCKETS[index + 1]
            return lower + (upper - lower) * (rank - seen) / count
        seen += count
    return float(ordered[-1][0])


def durations_by_key(window: Window, measure: str, dimension: str) -> dict[str, Percentiles]:
    rows = (
        DailyDuration.objects.filter(window.days(), measure=measure, dimension=dimension)
        .values("key", "bucket")
        .annotate(n=Sum("count"))
        .order_by()
    )
    buckets: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        buckets[row["key"]].append((row["bucket"], int(row["n"])))
    return {
        key: Percentiles(
            count=sum(c for _b, c in values),
            median=percentile_from_histogram(values, 0.5),
            p90=percentile_from_histogram(values, 0.9),
        )
        for key, values in buckets.items()
    }


def duration_total(window: Window, measure: str) -> Percentiles:
    return durations_by_key(window, measure, Dimension.TOTAL).get(
        "", Percentiles(count=0, median=None, p90=None)
    )


def in_country_by_day(window: Window) -> dict[dt.date, int]:
    """Pilgrims in the kingdom at the end of each day: stays started minus stays ended up
    to that day (from the season's first record, whatever the window's start)."""
    rows = counts_by_day(
        Window(window.season, window.scope, None, window.until),
        [Metric.STAYS_STARTED, Metric.STAYS_ENDED],
    )
    running = 0
    out: dict[dt.date, int] = {}
    for day, values in rows.items():
        running += values[Metric.STAYS_STARTED] - values[Metric.STAYS_ENDED]
        if window.since is None or day >= window.since:
            out[day] = running
    return out


def in_country_by_key(window: Window, dimension: str) -> dict[str, int]:
    """Pilgrims in the kingdom at the end of the window, per city of entry, nationality..."""
    upto = Window(window.season, window.scope, None, window.until)
    values = counts_by_key(upto, [Metric.STAYS_STARTED, Metric.STAYS_ENDED], dimension)
    return {
        key: v[Metric.STAYS_STARTED] - v[Metric.STAYS_ENDED]
        for key, v in values.items()
        if v[Metric.STAYS_STARTED] - v[Metric.STAYS_ENDED] > 0
    }


def review_queue_now(season: Season) -> dict[str, int]:
    """The security review queue of the season right now (live: a small, indexed table)."""
    from masar.screening.models import Review, ReviewStatus

    pending = Review.objects.filter(application__season=season, status=ReviewStatus.PENDING)
    return {
        "pending": pending.count(),
        "overdue": pending.filter(due_at__lt=timezone.now()).count(),
    }


def last_refresh(season: Season) -> dt.datetime | None:
    state = IndicatorRefresh.objects.filter(season=season).first()
    return state.refreshed_at if state else None


# --- Names of keys ------------------------------------------------------------------------


def _names(dimension: str, keys: list[str]) -> dict[str, str]:
    language = get_language() or "ar"
    ids = [int(k) for k in keys if is_whole_number(k)]
    if dimension == Dimension.COMPANY:
        return {
            str(c.pk): c.organization.display_name(language)
            for c in Company.objects.filter(pk__in=ids).select_related("organization")
        }
    if dimension == Dimension.AGENT:
        return {
            str(a.pk): a.organization.display_name(language)
            for a in Agent.objects.filter(pk__in=ids).select_related("organization")
        }
    if dimension == Dimension.PORT:
        from masar.border.models import Port

        return {p.code: p.display_name(language) for p in Port.objects.filter(code__in=keys)}
    if dimension == Dimension.PORT_TYPE:
        from masar.border.models import PortType

        return {k: str(PortType(k).label) for k in keys if k in PortType.values}
    if dimension == Dimension.CITY:
        from masar.reporting.cities import city_name

        return {k: city_name(k) for k in keys}
    return {k: k for k in keys}


# --- Dashboards ---------------------------------------------------------------------------


@dataclass
class Column:
    key: str
    label: str
    kind: str = "int"  # int | text | seconds | percent


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    chart: dict[str, Any] | None = None
    note: str = ""

    @property
    def chart_has_data(self) -> bool:
        """A chart is drawn only when it has something to show (the table stays)."""
        if not self.chart:
            return False
        return any(value for ds in self.chart["datasets"] for value in ds["data"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": self.rows,
        }


@dataclass
class Dashboard:
    kind: str
    season: Season
    scope: Scope
    since: dt.date | None
    until: dt.date | None
    refreshed_at: dt.datetime | None
    kpis: list[dict[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    time_saved: dict[str, Any] | None = None

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise NotFound(ReportingError.TABLE_NOT_FOUND, _("No such table."))


def _chart(
    kind: str, label_key: str, series: list[tuple[str, str]], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "type": kind,
        "labels": [str(r[label_key]) for r in rows],
        "datasets": [
            {"label": label, "data": [r.get(key) or 0 for r in rows]} for key, label in series
        ],
    }


APPLICATION_METRICS = [Metric.SUBMITTED, Metric.DECIDED_AUTO, Metric.DECIDED_MANUAL, Metric.ISSUED]
BORDER_METRICS = [Metric.ENTRIES, Metric.EXITS, Metric.OVERSTAYS]


def _metric_label(metric: str) -> str:
    return str(Metric(metric).label)


def _daily_table(window: Window, kind: str) -> Table:
    metrics: list[str] = []
    if kind in ("mohu", "mofa", "company"):
        metrics += APPLICATION_METRICS
    if kind in ("mohu", "moi", "company"):
        metrics += BORDER_METRICS
    by_day = counts_by_day(window, metrics)
    in_country = in_country_by_day(window) if kind != "mofa" else {}
    days = sorted(set(by_day) | set(in_country))
    rows = []
    for day in days:
        row: dict[str, Any] = {"day": day.isoformat()}
        row.update(by_day.get(day, dict.fromkeys(metrics, 0)))
        if kind != "mofa":
            row["in_country"] = in_country.get(day, 0)
        rows.append(row)
    columns = [Column("day", _("Day"), "date")] + [Column(m, _metric_label(m)) for m in metrics]
    if kind != "mofa":
        columns.append(Column("in_country", _("Pilgrims in the country")))
    series = [(m, _metric_label(m)) for m in metrics if m != Metric.DECIDED_MANUAL]
    if kind != "mofa":
        series.append(("in_country", _("Pilgrims in the country")))
    return Table(
        "daily",
        _("By day"),
        columns,
        rows,
        _chart("line", "day", series, rows),
    )


def _seconds_columns(prefix: str, label: str) -> list[Column]:
    return [
        Column(f"{prefix}_median", _("%s: median") % label, "seconds"),
        Column(f"{prefix}_p90", _("%s: 90th percentile") % label, "seconds"),
    ]


def _times_table(window: Window, kind: str) -> Table:
    measures = [Measure.DECISION, Measure.ISSUANCE]
    if kind in ("mohu", "moi") and window.scope == ALL_SCOPE:
        measures.append(Measure.REVIEW_WAIT)
    rows: list[dict[str, Any]] = []
    for measure in measures:
        p = duration_total(window, measure)
        rows.append(
            {
                "step": str(Measure(measure).label),
                "count": p.count,
                "median": p.median,
                "p90": p.p90,
            }
        )
    return Table(
        "times",
        _("Processing times"),
        [
            Column("step", _("Step"), "text"),
            Column("count", _("Measured")),
            Column("median", _("Median"), "seconds"),
            Column("p90", _("90th percentile"), "seconds"),
        ],
        rows,
        {
            "type": "bar",
            "unit": "hours",
            "labels": [r["step"] for r in rows],
            "datasets": [
                {
                    "label": _("Median (hours)"),
                    "data": [round((r["median"] or 0) / 3600, 2) for r in rows],
                },
                {
                    "label": _("90th percentile (hours)"),
                    "data": [round((r["p90"] or 0) / 3600, 2) for r in rows],
                },
            ],
        },
    )


def _by_key_table(
    window: Window,
    *,
    table_id: str,
    title: str,
    dimension: str,
    metrics: Sequence[str],
    sort_metric: str,
    key_label: str,
    with_times: bool = False,
    in_country: bool = False,
    chart_type: str = "bar",
    limit: int | None = TOP,
) -> Table:
    values = counts_by_key(window, metrics, dimension) if metrics else {}
    staying = in_country_by_key(window, dimension) if in_country else {}
    times = durations_by_key(window, Measure.ISSUANCE, dimension) if with_times else {}
    keys = set(values) | set(staying)
    ordered = sorted(
        keys,
        key=lambda k: (
            -(values.get(k, {}).get(sort_metric, 0) if metrics else staying.get(k, 0)),
            k,
        ),
    )
    if limit is not None:
        ordered = ordered[:limit]
    names = _names(dimension, ordered)
    rows = []
    for key in ordered:
        row: dict[str, Any] = {"key": key, "name": names.get(key, key)}
        row.update(values.get(key, dict.fromkeys(metrics, 0)))
        if in_country:
            row["in_country"] = staying.get(key, 0)
        if with_times:
            p = times.get(key)
            row["issuance_median"] = p.median if p else None
        rows.append(row)
    columns = [Column("name", key_label, "text")] + [Column(m, _metric_label(m)) for m in metrics]
    if in_country:
        columns.append(Column("in_country", _("Pilgrims in the country")))
    if with_times:
        columns.append(Column("issuance_median", _("Median time to a visa"), "seconds"))
    series = [(m, _metric_label(m)) for m in metrics[:3]]
    if in_country:
        series.append(("in_country", _("Pilgrims in the country")))
    return Table(table_id, title, columns, rows, _chart(chart_type, "name", series, rows))


def _reviews_table(window: Window) -> Table:
    counts = totals(window, [Metric.REVIEWS_OPENED, Metric.REVIEWS_DECIDED, Metric.REVIEWS_IN_SLA])
    queue = review_queue_now(window.season)
    wait = duration_total(window, Measure.REVIEW_WAIT)
    decided = counts[Metric.REVIEWS_DECIDED]
    rows = [
        {
            "opened": counts[Metric.REVIEWS_OPENED],
            "decided": decided,
            "in_sla": counts[Metric.REVIEWS_IN_SLA],
            "in_sla_rate": round(100 * counts[Metric.REVIEWS_IN_SLA] / decided, 1)
            if decided
            else None,
            "pending": queue["pending"],
            "overdue": queue["overdue"],
            "wait_median": wait.median,
            "wait_p90": wait.p90,
        }
    ]
    return Table(
        "reviews",
        _("Security review queue against its service level"),
        [
            Column("opened", _("Opened")),
            Column("decided", _("Decided")),
            Column("in_sla", _("Decided within the service level")),
            Column("in_sla_rate", _("Within the service level"), "percent"),
            Column("pending", _("Waiting now")),
            Column("overdue", _("Overdue now")),
            Column("wait_median", _("Median wait"), "seconds"),
            Column("wait_p90", _("90th percentile wait"), "seconds"),
        ],
        rows,
        {
            "type": "doughnut",
            "labels": [_("Within the service level"), _("Late")],
            "datasets": [
                {
                    "label": _("Decided reviews"),
                    "data": [
                        counts[Metric.REVIEWS_IN_SLA],
                        decided - counts[Metric.REVIEWS_IN_SLA],
                    ],
                }
            ],
        },
    )


def time_saved(window: Window) -> dict[str, Any]:
    """End-to-end time (submission to visa, median) against the paper baseline, and the
    staff hours saved: issued x paper minutes, less the minutes people still spend on the
    decisions Masar could not take automatically."""
    baseline = paper_baseline_for(window.season)
    issuance = duration_total(window, Measure.ISSUANCE)
    counts = totals(window, [Metric.ISSUED, Metric.DECIDED_MANUAL])
    paper_seconds = float(baseline.days_end_to_end) * 86400
    per_application = int(baseline.staff_minutes_per_application)
    per_manual = int(baseline.staff_minutes_per_manual_decision)
    paper_hours = counts[Metric.ISSUED] * per_application / 60
    remaining_hours = counts[Metric.DECIDED_MANUAL] * per_manual / 60
    saved_per_application = paper_seconds - issuance.median if issuance.median is not None else None
    return {
        "paper_days": baseline.days_end_to_end,
        "paper_seconds": paper_seconds,
        "masar_median_seconds": issuance.median,
        "masar_p90_seconds": issuance.p90,
        "saved_seconds_per_application": saved_per_application,
        "speedup": round(paper_seconds / issuance.median, 1) if issuance.median else None,
        "issued": counts[Metric.ISSUED],
        "decided_manually": counts[Metric.DECIDED_MANUAL],
        "staff_minutes_per_application": baseline.staff_minutes_per_application,
        "staff_minutes_per_manual_decision": baseline.staff_minutes_per_manual_decision,
        "staff_hours_paper": round(paper_hours, 1),
        "staff_hours_masar": round(remaining_hours, 1),
        "staff_hours_saved": round(paper_hours - remaining_hours, 1),
    }


def _kpis(window: Window, kind: str) -> list[dict[str, Any]]:
    metrics = [*APPLICATION_METRICS, *BORDER_METRICS]
    t = totals(window, metrics)
    decided = t[Metric.DECIDED_AUTO] + t[Metric.DECIDED_MANUAL]
    in_country = in_country_by_day(window)
    kpis: list[dict[str, Any]] = []
    if kind in ("mohu", "mofa", "company"):
        kpis += [
            {
                "id": "submitted",
                "label": _metric_label(Metric.SUBMITTED),
                "value": t[Metric.SUBMITTED],
            },
            {"id": "decided", "label": _("Decided"), "value": decided},
            {
                "id": "automatic",
                "label": _("Decided automatically"),
                "value": t[Metric.DECIDED_AUTO],
                "percent": round(100 * t[Metric.DECIDED_AUTO] / decided, 1) if decided else None,
            },
            {"id": "issued", "label": _metric_label(Metric.ISSUED), "value": t[Metric.ISSUED]},
        ]
    if kind in ("mohu", "moi", "company"):
        kpis += [
            {"id": "entries", "label": _metric_label(Metric.ENTRIES), "value": t[Metric.ENTRIES]},
            {"id": "exits", "label": _metric_label(Metric.EXITS), "value": t[Metric.EXITS]},
            {
                "id": "in_country",
                "label": _("Pilgrims in the country"),
                "value": list(in_country.values())[-1] if in_country else 0,
            },
            {
                "id": "overstays",
                "label": _metric_label(Metric.OVERSTAYS),
                "value": t[Metric.OVERSTAYS],
            },
        ]
    return kpis


def dashboard(
    *,
    actor: User,
    season: Season,
    since: dt.date | None = None,
    until: dt.date | None = None,
    company_id: int | None = None,
) -> Dashboard:
    """The actor's dashboard: the ministry of Hajj and Umrah everything, the foreign
    ministry applications and decisions, the interior ministry ports, stays, overstays and
    the review queue, a company its own figures."""
    scope = scope_for(actor, company_id=company_id)
    if since is not None and until is not None and since > until:
        raise ValidationFailed(
            ReportingError.INVALID_FILTER,
            _("The first day comes after the last."),
            fields={"since": [_("The first day comes after the last.")]},
        )
    kind = scope.kind
    window = Window(season, scope.scope, since, until)
    board = Dashboard(
        kind=kind,
        season=season,
        scope=scope,
        since=since,
        until=until,
        refreshed_at=last_refresh(season),
    )
    board.kpis = _kpis(window, kind)
    board.tables.append(_daily_table(window, kind))
    if kind in ("mohu", "mofa", "company"):
        board.tables.append(_times_table(window, kind))
    if kind == "mohu":
        board.time_saved = time_saved(window)
    if kind in ("mohu", "moi") and scope.scope == ALL_SCOPE:
        board.tables.append(_reviews_table(window))
    if kind in ("mohu", "moi", "company"):
        board.tables.append(
            _by_key_table(
                window,
                table_id="port_type",
                title=_("Arrivals by port type"),
                dimension=Dimension.PORT_TYPE,
                metrics=[Metric.ENTRIES, Metric.EXITS],
                sort_metric=Metric.ENTRIES,
                key_label=_("Port type"),
                chart_type="doughnut",
                limit=None,
            )
        )
        board.tables.append(
            _by_key_table(
                window,
                table_id="port",
                title=_("Entries and exits by port"),
                dimension=Dimension.PORT,
                metrics=[Metric.ENTRIES, Metric.EXITS],
                sort_metric=Metric.ENTRIES,
                key_label=_("Port"),
                limit=None,
            )
        )
        board.tables.append(
            _by_key_table(
                window,
                table_id="city",
                title=_("Pilgrims in the country by city of entry"),
                dimension=Dimension.CITY,
                metrics=[],
                sort_metric="",
                key_label=_("City"),
                in_country=True,
                limit=None,
            )
        )
    nationality_metrics: list[Metric] = {
        "mohu": [Metric.SUBMITTED, Metric.ISSUED, Metric.ENTRIES, Metric.OVERSTAYS],
        "mofa": [Metric.SUBMITTED, Metric.DECIDED_AUTO, Metric.DECIDED_MANUAL, Metric.ISSUED],
        "moi": [Metric.ENTRIES, Metric.EXITS, Metric.OVERSTAYS],
        "company": [Metric.SUBMITTED, Metric.ISSUED, Metric.ENTRIES, Metric.OVERSTAYS],
    }[kind]
    board.tables.append(
        _by_key_table(
            window,
            table_id="nationality",
            title=_("By nationality (top %(n)d)") % {"n": TOP},
            dimension=Dimension.NATIONALITY,
            metrics=nationality_metrics,
            sort_metric=nationality_metrics[0],
            key_label=_("Nationality"),
            with_times=kind != "moi" and scope.scope == ALL_SCOPE,
        )
    )
    if scope.scope == ALL_SCOPE:
        # A ministry's board (a company's is never ALL_SCOPE): the same figures per company.
        company_metrics = nationality_metrics
        board.tables.append(
            _by_key_table(
                window,
                table_id="company",
                title=_("By company (top %(n)d)") % {"n": TOP},
                dimension=Dimension.COMPANY,
                metrics=company_metrics,
                sort_metric=company_metrics[0],
                key_label=_("Company"),
                with_times=kind != "moi",
            )
        )
    if kind in ("mohu", "company"):
        board.tables.append(
            _by_key_table(
                window,
                table_id="agent",
                title=_("By agent (top %(n)d)") % {"n": TOP},
                dimension=Dimension.AGENT,
                metrics=[Metric.SUBMITTED, Metric.ISSUED, Metric.OVERSTAYS],
                sort_metric=Metric.SUBMITTED,
                key_label=_("Agent"),
            )
        )
    return board


def companies_for_filter(actor: User) -> QuerySet[Company]:
    if dashboard_kind(actor) in ("mohu", "mofa", "moi"):
        return Company.objects.select_related("organization").order_by("organization__name_en")
    return Company.objects.none()
