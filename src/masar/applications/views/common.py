"""What every page of the applications app needs: the actor and what kind they are."""

from __future__ import annotations

from django.http import HttpRequest

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.applications.services.common import AGENT_ROLES, COMPANY_ROLES


def actor_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # every view is behind login_required
    return request.user


def is_agent(actor: User) -> bool:
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.AGENT and actor.has_role(*AGENT_ROLES)


def is_company(actor: User) -> bool:
    org = actor.organization
    return (
        org is not None and org.kind == OrganizationKind.COMPANY and actor.has_role(*COMPANY_ROLES)
    )


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
