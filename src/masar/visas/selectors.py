"""Reads of the visas app, always scoped to the actor's organization: the foreign
ministry's decision queue, visas (a company its own, an agent only its own, the
ministries all), and decision statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from masar.accounts.access_matrix import Access, access
from masar.accounts.models import User
from masar.accounts.roles import MINISTRY_KINDS, OrganizationKind
from masar.applications.models import Application, waiting_since
from masar.applications.states import ApplicationStatus
from masar.operators.models import Agent, Company
from masar.seasons.models import Season, SeasonRules
from masar.visas.models import IssuanceJob, Visa


def decision_sla_hours(rules: SeasonRules | None) -> int:
    """The season's service level for the consular decision (SeasonRules' default if none)."""
    if rules is None:
        return int(SeasonRules._meta.get_field("decision_sla_hours").get_default())
    return rules.decision_sla_hours


def _none_unless_ministry(actor: User, qs: QuerySet[Any]) -> QuerySet[Any]:
    org = actor.organization
    if org is None or org.kind not in MINISTRY_KINDS:
        return qs.none()
    return qs


def decision_queue(actor: User, *, filters: dict[str, Any] | None = None) -> QuerySet[Application]:
    """Applications awaiting the consular decision, oldest waiting first (MOFA only)."""
    org = actor.organization
    qs = Application.objects.filter(status=ApplicationStatus.DECISION)
    if org is None or org.kind != OrganizationKind.MOFA:
        qs = qs.none()
    f = filters or {}
    if f.get("season"):
        qs = qs.filter(season_id=f["season"])
    if f.get("company"):
        qs = qs.filter(company_id=f["company"])
    if f.get("agent"):
        qs = qs.filter(agent_id=f["agent"])
    if f.get("group"):
        qs = qs.filter(group_id=f["group"])
    if f.get("nationality"):
        qs = qs.filter(pilgrim__nationality=str(f["nationality"]).upper())
    if f.get("referred") is not None:
        qs = qs.filter(security_decided_at__isnull=not f["referred"])
    return (
        qs.select_related(
            # the portrait beside each applicant: one join, not one query per row
            "pilgrim__portrait",
            "season__rules",
            "company__organization",
            "agent__organization",
        )
        .annotate(waiting_since=waiting_since())
        .order_by("waiting_since", "pk")
    )


def waiting_due(app: Application) -> dt.datetime | None:
    since = getattr(app, "waiting_since", None)
    if since is None:
        return None
    rules = getattr(app.season, "rules", None)
    return since + dt.timedelta(hours=decision_sla_hours(rules))


def visa_list(actor: User) -> QuerySet[Visa]:
    """Visas the actor may read (the access matrix): its company's, its agent's own, or all
    for the ministry roles whose work needs them."""
    org = actor.organization
    qs = Visa.objects.select_related("application__pilgrim", "season", "company", "agent").order_by(
        "-id"
    )
    level = access(actor, "visas")
    if level == Access.ALL:
        return qs
    if level == Access.NONE or org is None:
        return qs.none()
    # The operator's id first: `company_id = x` reads the `(company, ...)` indexes, where a
    # join through organizations would list every visa before keeping the actor's.
    if org.kind == OrganizationKind.COMPANY:
        return qs.filter(
            company_id__in=list(
                Company.objects.filter(organization=org).values_list("pk", flat=True)
            )
        )
    if org.kind == OrganizationKind.AGENT:
        return qs.filter(
            agent_id__in=list(Agent.objects.filter(organization=org).values_list("pk", flat=True))
        )
    return qs.none()


def issuance_job_list(actor: User) -> QuerySet[IssuanceJob]:
    org = actor.organization
    qs = IssuanceJob.objects.all()
    if org is None or org.kind not in (OrganizationKind.MOFA, OrganizationKind.MOI):
        return qs.none()
    return qs


def decision_stats(actor: User, *, season_id: int | None = None) -> dict[str, Any]:
    """Decisions taken: how many, the share taken automatically, and the mean time from
    submission to decision (hours), overall and for each kind."""
    qs = _none_unless_ministry(actor, Application.objects.filter(decided_at__isnull=False))
    if season_id:
        qs = qs.filter(season_id=season_id)
    elapsed = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    row = qs.aggregate(
        total=Count("pk"),
        automatic=Count("pk", filter=Q(decided_automatically=True)),
        mean=Avg(elapsed),
        mean_automatic=Avg(elapsed, filter=Q(decided_automatically=True)),
        mean_manual=Avg(elapsed, filter=Q(decided_automatically=False)),
    )

    def hours(value: dt.timedelta | None) -> float | None:
        return round(value.total_seconds() / 3600, 2) if value is not None else None

    total = row["total"] or 0
    return {
        "decided": total,
        "automatic": row["automatic"] or 0,
        "automatic_share": round((row["automatic"] or 0) / total, 4) if total else None,
        "mean_hours_to_decision": hours(row["mean"]),
        "mean_hours_automatic": hours(row["mean_automatic"]),
        "mean_hours_manual": hours(row["mean_manual"]),
    }


def decision_totals(actor: User) -> dict[str, Any]:
    """Decisions taken in every season, and the share taken automatically, read from the
    maintained daily aggregates (ADR 0090: a few rows a day, as fresh as the last refresh,
    `as_of`) rather than counted over a season's millions of decided applications: the
    consular queue shows them on every page view (ADR 0126). The exact figures with mean
    times are `decision_stats`."""
    from django.db.models import Max, Sum

    from masar.reporting.models import (
        ALL_SCOPE,
        DailyCount,
        Dimension,
        IndicatorRefresh,
        Metric,
    )

    empty: dict[str, Any] = {"decided": 0, "automatic": 0, "automatic_share": None, "as_of": None}
    org = actor.organization
    if org is None or org.kind not in MINISTRY_KINDS:
        return empty
    rows = dict(
        DailyCount.objects.filter(
            # each season on the `(season, scope, metric, dimension, day)` index
            season_id__in=list(Season.objects.values_list("pk", flat=True)),
            scope=ALL_SCOPE,
            dimension=Dimension.TOTAL,
            metric__in=[Metric.DECIDED_AUTO, Metric.DECIDED_MANUAL],
        )
        .values("metric")
        .annotate(n=Sum("count"))
        .order_by()
        .values_list("metric", "n")
    )
    automatic = int(rows.get(Metric.DECIDED_AUTO) or 0)
    total = automatic + int(rows.get(Metric.DECIDED_MANUAL) or 0)
    return {
        "decided": total,
        "automatic": automatic,
        "automatic_share": round(automatic / total, 4) if total else None,
        "as_of": IndicatorRefresh.objects.aggregate(at=Max("refreshed_at"))["at"],
    }
