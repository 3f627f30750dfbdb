"""Reads of companies, agents and contracts, already scoped to what the actor may see.

A ministry sees every operator; a company sees itself and the agents it has contracts
with; an agent sees itself and the companies it has contracts with. Anyone else sees none.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.operators.models import Agent, Company, Contract


def _kind(actor: User) -> str | None:
    return actor.organization.kind if actor.organization is not None else None


def company_list(*, actor: User) -> QuerySet[Company]:
    qs = Company.objects.select_related("organization")
    kind = _kind(actor)
    if actor.is_superuser or (actor.organization is not None and actor.organization.is_ministry):
        return qs
    if kind == OrganizationKind.COMPANY:
        return qs.filter(organization=actor.organization)
    if kind == OrganizationKind.AGENT:
        return qs.filter(contracts__agent__organization=actor.organization).distinct()
    return qs.none()


def agent_list(*, actor: User) -> QuerySet[Agent]:
    qs = Agent.objects.select_related("organization")
    kind = _kind(actor)
    if actor.is_superuser or (actor.organization is not None and actor.organization.is_ministry):
        return qs
    if kind == OrganizationKind.AGENT:
        return qs.filter(organization=actor.organization)
    if kind == OrganizationKind.COMPANY:
        return qs.filter(contracts__company__organization=actor.organization).distinct()
    return qs.none()


def contract_list(*, actor: User) -> QuerySet[Contract]:
    qs = Contract.objects.select_related("company__organization", "agent__organization")
    kind = _kind(actor)
    if actor.is_superuser or (actor.organization is not None and actor.organization.is_ministry):
        return qs
    if kind in (OrganizationKind.COMPANY, OrganizationKind.AGENT):
        org = actor.organization
        return qs.filter(Q(company__organization=org) | Q(agent__organization=org))
    return qs.none()


def company_of(actor: User) -> Company | None:
    if _kind(actor) != OrganizationKind.COMPANY:
        return None
    return Company.objects.filter(organization=actor.organization).first()


def agent_of(actor: User) -> Agent | None:
    if _kind(actor) != OrganizationKind.AGENT:
        return None
    return Agent.objects.filter(organization=actor.organization).first()
