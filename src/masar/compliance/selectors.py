"""Reads of the compliance app, scoped to the actor's organization: the ministries see every
company; a company sees its own records; an agent the violations and fines that name it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from masar.accounts.access_matrix import Access, access
from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.compliance import facts
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import (
    Appeal,
    GuaranteeEntry,
    Invoice,
    Notice,
    Penalty,
    QuarterRating,
    Violation,
    ViolationStatus,
)
from masar.compliance.services.common import rules_for
from masar.compliance.services.ladder import Standing, company_standing
from masar.compliance.services.money import guarantee_balance
from masar.core.errors import NotFound
from masar.operators.models import Company
from masar.seasons.models import Season


def _kind(actor: User) -> str | None:
    return actor.organization.kind if actor.organization is not None else None


def is_ministry(actor: User) -> bool:
    return bool(actor.organization is not None and actor.organization.is_ministry)


def _scope(
    qs: QuerySet[Any],
    actor: User,
    *,
    agent_field: str | None = "agent",
    resource: str = "violations",
) -> QuerySet[Any]:
    """The rows the actor reads: all, its own organization's, or none (the access matrix)."""
    kind = _kind(actor)
    level = access(actor, resource)
    if level == Access.ALL:
        return qs
    if level == Access.NONE:
        return qs.none()
    if kind == OrganizationKind.COMPANY:
        return qs.filter(company__organization=actor.organization)
    if kind == OrganizationKind.AGENT and agent_field:
        return qs.filter(**{f"{agent_field}__organization": actor.organization})
    return qs.none()


def violation_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Violation]:
    qs = _scope(
        Violation.objects.select_related("company__organization", "agent__organization", "season"),
        actor,
    )
    filters = filters or {}
    for key in ("season", "company", "agent"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id": filters[key]})
    if filters.get("type"):
        qs = qs.filter(violation_type=filters["type"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("nationality"):
        qs = qs.filter(nationality=filters["nationality"])
    return qs.prefetch_related("evidence")


def violation_get(*, actor: User, violation_id: int) -> Violation:
    violation = violation_list(actor=actor).filter(pk=violation_id).first()
    if violation is None:
        raise NotFound(ComplianceError.NOT_FOUND, _("No such violation."))
    return violation


def penalty_list(*, actor: User, company_id: int | None = None) -> QuerySet[Penalty]:
    qs = _scope(
        Penalty.objects.select_related("company__organization", "agent__organization", "season"),
        actor,
    )
    return qs.filter(company_id=company_id) if company_id else qs


def penalty_get(*, actor: User, penalty_id: int) -> Penalty:
    penalty = penalty_list(actor=actor).filter(pk=penalty_id).first()
    if penalty is None:
        raise NotFound(ComplianceError.NOT_FOUND, _("No such penalty."))
    return penalty


def notice_list(*, actor: User, company_id: int | None = None) -> QuerySet[Notice]:
    qs = _scope(Notice.objects.select_related("company__organization"), actor, agent_field=None)
    return qs.filter(company_id=company_id) if company_id else qs


def invoice_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Invoice]:
    qs = _scope(
        Invoice.objects.select_related("company__organization", "agent__organization", "violation"),
        actor,
        resource="guarantee_ledgers",
    )
    kind = _kind(actor)
    if kind == OrganizationKind.AGENT:
        qs = qs.filter(payer="agent")
    filters = filters or {}
    for key in ("season", "company"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id": filters[key]})
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.prefetch_related("payments")


def invoice_get(*, actor: User, invoice_id: int) -> Invoice:
    invoice = invoice_list(actor=actor).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(ComplianceError.NOT_FOUND, _("No such fine."))
    return invoice


def appeal_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Appeal]:
    qs = _scope(
        Appeal.objects.select_related("company__organization", "violation", "penalty"),
        actor,
        agent_field=None,
    )
    filters = filters or {}
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("company"):
        qs = qs.filter(company_id=filters["company"])
    return qs.prefetch_related("files")


def appeal_get(*, actor: User, appeal_id: int) -> Appeal:
    appeal = appeal_list(actor=actor).filter(pk=appeal_id).first()
    if appeal is None:
        raise NotFound(ComplianceError.NOT_FOUND, _("No such appeal."))
    return appeal


def company_visible(*, actor: User, company_id: int) -> Company:
    """The company, if the actor may see its compliance (the access matrix: the MOHU's
    oversight staff, or its own staff)."""
    qs = Company.objects.select_related("organization").filter(pk=company_id)
    level = access(actor, "violations")
    if level == Access.NONE:
        qs = qs.none()
    elif level == Access.OWN:
        qs = qs.filter(organization=actor.organization) if actor.organization else qs.none()
    company = qs.first()
    if company is None:
        raise NotFound(ComplianceError.NOT_FOUND, _("No such company."))
    return company


def guarantee_company(*, actor: User, company_id: int) -> Company:
    """The company whose bank-guarantee ledger the actor may read (the access matrix: the
    MOHU's oversight staff, or the company itself)."""
    level = access(actor, "guarantee_ledgers")
    qs = Company.objects.select_related("organization").filter(pk=company_id)
    if level == Access.OWN:
        qs = qs.filter(organization=actor.organization)
    elif level == Access.NONE:
        qs = qs.none()
    company = qs.first()
    if company is None:
        raise NotFound(ComplianceError.NOT_FOUND, _("No such company."))
    return company


def current_season() -> Season | None:
    return Season.objects.filter(is_open=True).order_by("-starts_on").first()


@dataclass
class CompanyCompliance:
    company: Company
    season: Season
    standing: Standing
    violations: QuerySet[Violation]
    penalties: QuerySet[Penalty]
    invoices: QuerySet[Invoice]
    notices: QuerySet[Notice]
    appeals: QuerySet[Appeal]
    ratings: QuerySet[QuarterRating]
    guarantee_sar: Decimal
    guarantee_balance_sar: Decimal
    guarantee_entries: QuerySet[GuaranteeEntry]
    company_class: str


def company_compliance(*, actor: User, company_id: int, season: Season) -> CompanyCompliance:
    company = company_visible(actor=actor, company_id=company_id)
    rules = rules_for(season)
    ratings = QuarterRating.objects.filter(company=company).order_by("-year", "-quarter")
    latest = ratings.first()
    return CompanyCompliance(
        company=company,
        season=season,
        standing=company_standing(season_id=season.pk, company_id=company.pk),
        violations=Violation.objects.filter(company=company, season=season)
        .select_related("agent__organization")
        .order_by("-raised_at", "-pk"),
        penalties=Penalty.objects.filter(company=company, season=season).select_related(
            "agent__organization"
        ),
        invoices=Invoice.objects.filter(company=company, season=season).select_related(
            "violation", "agent__organization"
        ),
        notices=Notice.objects.filter(company=company),
        appeals=Appeal.objects.filter(company=company).select_related("violation", "penalty"),
        ratings=ratings,
        guarantee_sar=company.guarantee_amount,
        guarantee_balance_sar=guarantee_balance(company),
        guarantee_entries=GuaranteeEntry.objects.filter(company=company).select_related("invoice"),
        company_class=latest.class_after if latest else rules.initial_class,
    )


@dataclass
class LeagueRow:
    company: Company
    entered: int
    overstayers: int
    rate_pct: Decimal
    points: int
    rating_pct: Decimal | None
    company_class: str
    bar_width: Decimal


def league_table(*, season: Season, nationality: str = "") -> list[LeagueRow]:
    """Companies with pilgrims entered in the season, worst overstay rate first."""
    rules = rules_for(season)
    figures = facts.figures_by_company(season_id=season.pk, nationality=nationality)
    points_q = Violation.objects.filter(season=season).exclude(status=ViolationStatus.CANCELLED)
    if nationality:
        points_q = points_q.filter(Q(nationality=nationality) | Q(nationality=""))
    points = dict(
        points_q.order_by()
        .values("company_id")
        .annotate(total=Sum("points"))
        .values_list("company_id", "total")
    )
    latest: dict[int, QuarterRating] = {}
    for found in QuarterRating.objects.filter(company_id__in=figures).order_by(
        "company_id", "-year", "-quarter"
    ):
        latest.setdefault(found.company_id, found)
    companies = Company.objects.select_related("organization").in_bulk(list(figures))
    top = max((f.rate_pct for f in figures.values()), default=Decimal("0"))
    rows = []
    for company_id, fig in figures.items():
        rating = latest.get(company_id)
        rows.append(
            LeagueRow(
                company=companies[company_id],
                entered=fig.entered,
                overstayers=fig.overstayers,
                rate_pct=fig.rate_pct,
                points=points.get(company_id, 0) or 0,
                rating_pct=rating.rating_pct if rating else None,
                company_class=rating.class_after if rating else rules.initial_class,
                bar_width=(fig.rate_pct * 100 / top).quantize(Decimal("0.1"))
                if top
                else Decimal(0),
            )
        )
    rows.sort(key=lambda r: (-r.rate_pct, -r.points, r.company.organization.code))
    return rows
