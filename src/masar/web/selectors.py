"""What each role's home page shows: the real work of that role, counted and listed."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from masar.accounts.models import User
from masar.core.selectors import audit_list
from masar.operators import selectors as operators
from masar.operators.models import CompanyStatus, ContractStatus
from masar.seasons import selectors as seasons


def home_summary(*, actor: User) -> dict[str, Any]:
    season = seasons.season_current()
    companies = operators.company_list(actor=actor)
    agents = operators.agent_list(actor=actor)
    contracts = operators.contract_list(actor=actor)
    summary: dict[str, Any] = {
        "season": season,
        "company_counts": companies.aggregate(
            total=Count("id"),
            active=Count("id", filter=Q(status=CompanyStatus.ACTIVE)),
            suspended=Count("id", filter=Q(status=CompanyStatus.SUSPENDED)),
            revoked=Count("id", filter=Q(status=CompanyStatus.REVOKED)),
        ),
        "agent_count": agents.count(),
        "agent_countries": agents.values("country").distinct().count(),
        "active_contracts": contracts.filter(status=ContractStatus.ACTIVE).count(),
        "recent_audit": list(audit_list(actor=actor).select_related("organization")[:10]),
    }
    if season is not None:
        quotas = seasons.quota_list(actor=actor, season=season)
        summary["quotas"] = list(quotas.order_by("-used")[:10])
        summary["quota_totals"] = quotas.aggregate(limit=Sum("limit"), used=Sum("used"))
    company = operators.company_of(actor)
    if company is not None:
        summary["company"] = company
        summary["contracts"] = list(contracts.order_by("agent__organization__code")[:25])
    agent = operators.agent_of(actor)
    if agent is not None:
        summary["agent"] = agent
        summary["contracts"] = list(contracts.order_by("company__organization__code")[:25])
    if actor.organization is not None and actor.organization.is_ministry:
        summary["companies_attention"] = list(
            companies.exclude(status=CompanyStatus.ACTIVE).order_by("-status_changed_at")[:10]
        )
        summary["companies"] = list(companies.order_by("organization__code")[:50])
    return summary
