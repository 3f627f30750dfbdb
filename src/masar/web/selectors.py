"""What each role's home page shows: the real work of that role, counted and listed."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from masar.accounts.models import Organization, User
from masar.core.labels import action_label, target_label
from masar.core.models import AuditEntry
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
        "recent_audit": audit_labelled(
            list(audit_list(actor=actor).select_related("organization", "actor")[:10])
        ),
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


def audit_labelled(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Audit entries as a person reads them: each gets ``action_text`` (what happened),
    ``actor_text`` (who: the person's name, else the login), ``target_text`` (the kind of
    record and its number or name) and ``target_url`` (its page, where it has one). One
    query per kind of record that has a name, whatever the number of entries."""
    from masar.applications.models import Application
    from masar.operators.models import Company
    from masar.seasons.models import Season

    language = get_language() or "ar"
    ids: dict[str, set[str]] = {}
    for entry in entries:
        if entry.target_id.isdigit():
            ids.setdefault(entry.target_type, set()).add(entry.target_id)
    names: dict[tuple[str, str], tuple[str, str | None]] = {}
    for pk, number in Application.objects.filter(
        pk__in=ids.get("applications.application", ())
    ).values_list("pk", "number"):
        names[("applications.application", str(pk))] = (
            number,
            reverse("applications:application", args=[pk]),
        )
    for company in Company.objects.filter(pk__in=ids.get("operators.company", ())).select_related(
        "organization"
    ):
        names[("operators.company", str(company.pk))] = (
            company.organization.display_name(language),
            reverse("web:company", args=[company.pk]),
        )
    for organization in Organization.objects.filter(pk__in=ids.get("accounts.organization", ())):
        names[("accounts.organization", str(organization.pk))] = (
            organization.display_name(language),
            None,
        )
    for season in Season.objects.filter(pk__in=ids.get("seasons.season", ())):
        names[("seasons.season", str(season.pk))] = (season.display_name(language), None)
    for entry in entries:
        kind = target_label(entry.target_type)
        name, url = names.get((entry.target_type, entry.target_id), (entry.target_id, None))
        entry.action_text = action_label(entry.action)  # type: ignore[attr-defined]
        entry.actor_text = (  # type: ignore[attr-defined]
            entry.actor.display_name(language) if entry.actor is not None else _("the system")
        )
        entry.target_text = f"{kind} {name}".strip()  # type: ignore[attr-defined]
        entry.target_name = name  # type: ignore[attr-defined]
        entry.target_kind = kind  # type: ignore[attr-defined]
        entry.target_url = url  # type: ignore[attr-defined]
    return entries
