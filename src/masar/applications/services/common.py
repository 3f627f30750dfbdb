"""Checks shared by the applications services: who the actor is and what they may touch."""

from __future__ import annotations

from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.applications.error_codes import ApplicationsError
from masar.core.errors import Forbidden
from masar.operators.models import Agent, Company, CompanyStatus

AGENT_ROLES = (Role.AGENT_STAFF, Role.SUPERVISOR, Role.INTEGRATION)
COMPANY_ROLES = (Role.COMPANY_STAFF, Role.SUPERVISOR, Role.INTEGRATION)


def agent_of_actor(actor: User) -> Agent:
    """The agent the actor works for, or Forbidden: only agent staff build groups."""
    org = actor.organization
    if org is None or org.kind != OrganizationKind.AGENT or not actor.has_role(*AGENT_ROLES):
        raise Forbidden(
            ApplicationsError.NOT_ALLOWED,
            _("Only the staff of an overseas agent can do this."),
        )
    agent = Agent.objects.filter(organization=org).first()
    if agent is None:
        raise Forbidden(ApplicationsError.NOT_ALLOWED, _("Your organization is not an agent."))
    return agent


def company_of_actor(actor: User) -> Company:
    org = actor.organization
    if org is None or org.kind != OrganizationKind.COMPANY or not actor.has_role(*COMPANY_ROLES):
        raise Forbidden(
            ApplicationsError.NOT_ALLOWED,
            _("Only the staff of an Umrah company can do this."),
        )
    company = Company.objects.filter(organization=org).first()
    if company is None:
        raise Forbidden(ApplicationsError.NOT_ALLOWED, _("Your organization is not a company."))
    return company


def require_company_active(company: Company) -> None:
    """A suspended (or revoked) company can neither receive submissions nor approve."""
    if company.status == CompanyStatus.SUSPENDED:
        raise Forbidden(
            ApplicationsError.COMPANY_SUSPENDED,
            _("The company %(company)s is suspended: it cannot take or approve applications.")
            % {"company": company.organization.name_en},
        )
    if company.status == CompanyStatus.REVOKED:
        raise Forbidden(
            ApplicationsError.COMPANY_REVOKED,
            _("The licence of the company %(company)s is cancelled.")
            % {"company": company.organization.name_en},
        )
