"""Writes for companies, agents and contracts: licensing, suspension, reinstatement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.permissions import is_licensing_staff
from masar.accounts.roles import OrganizationKind
from masar.accounts.services import organization_create
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.documents.codes import ISO_3166_CODES
from masar.integration.services import event_emit
from masar.operators.error_codes import OperatorsError
from masar.operators.models import (
    Agent,
    AgentStatus,
    Company,
    CompanyStatus,
    Contract,
    ContractStatus,
)


def _require_licensing(actor: User | None) -> None:
    """Only ministry of Hajj and Umrah licensing staff (or the system itself) license operators."""
    if actor is not None and not is_licensing_staff(actor):
        raise Forbidden(
            OperatorsError.NOT_ALLOWED,
            _("Only licensing officers of the ministry of Hajj and Umrah may do this."),
        )


def _check_period(start: dt.date, end: dt.date, field: str) -> None:
    if end < start:
        raise ValidationFailed(
            OperatorsError.INVALID_DATES,
            _("The end date is before the start date."),
            fields={field: [_("Must be on or after the start date.")]},
        )


def _check_countries(countries: Iterable[str], field: str) -> list[str]:
    codes = [c.strip().upper() for c in countries]
    bad = [c for c in codes if c not in ISO_3166_CODES]
    if bad or not codes:
        raise ValidationFailed(
            OperatorsError.INVALID_COUNTRY,
            _("Use ISO 3166 alpha-3 country codes."),
            fields={field: [_("Unknown: %s") % ", ".join(bad)] if bad else [_("Required.")]},
        )
    return sorted(set(codes))


@transaction.atomic
def company_license(
    *,
    actor: User | None,
    code: str,
    name_en: str,
    name_ar: str,
    licence_number: str,
    licence_valid_from: dt.date,
    licence_valid_until: dt.date,
    guarantee_amount: Decimal,
    guarantee_valid_until: dt.date,
    email: str = "",
) -> Company:
    """License a new Umrah company: its organization and its licence in one step."""
    _require_licensing(actor)
    _check_period(licence_valid_from, licence_valid_until, "licence_valid_until")
    if guarantee_amount <= 0:
        raise ValidationFailed(
            OperatorsError.INVALID_DATES,
            _("The bank guarantee must be a positive amount."),
            fields={"guarantee_amount": [_("Must be greater than zero.")]},
        )
    if Company.objects.filter(licence_number=licence_number).exists():
        raise Conflict(
            OperatorsError.LICENCE_NUMBER_TAKEN,
            _("A company holds this licence number."),
            fields={"licence_number": [_("Already taken.")]},
        )
    org = organization_create(
        actor=actor,
        kind=OrganizationKind.COMPANY,
        code=code,
        name_en=name_en,
        name_ar=name_ar,
        email=email,
    )
    company = Company.objects.create(
        organization=org,
        licence_number=licence_number,
        licence_valid_from=licence_valid_from,
        licence_valid_until=licence_valid_until,
        guarantee_amount=guarantee_amount,
        guarantee_valid_until=guarantee_valid_until,
        status_changed_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="company.licensed",
        target=company,
        organization=org,
        details={
            "licence_number": licence_number,
            "licence_valid_until": licence_valid_until,
            "guarantee_amount": str(guarantee_amount),
        },
    )
    event_emit(
        type="company.licensed",
        subject=company,
        payload={
            "company_id": company.pk,
            "licence_number": licence_number,
            "licence_valid_until": licence_valid_until,
            "status": company.status,
        },
        organizations=[org],
    )
    return company


def _lock_company(company_id: int) -> Company:
    return (
        Company.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=company_id)
    )


@transaction.atomic
def company_suspend(
    *, actor: User | None, company: Company, reason: str, until: dt.date | None = None
) -> Company:
    """Suspend a company: it can no longer submit or approve applications."""
    _require_licensing(actor)
    if not reason.strip():
        raise ValidationFailed(
            OperatorsError.NOT_ALLOWED,
            _("A suspension needs a reason."),
            fields={"reason": [_("Required.")]},
        )
    company = _lock_company(company.pk)
    if company.status == CompanyStatus.REVOKED:
        raise Conflict(OperatorsError.REVOKED, _("This company's licence is cancelled."))
    if company.status == CompanyStatus.SUSPENDED:
        raise Conflict(OperatorsError.ALREADY_SUSPENDED, _("This company is already suspended."))
    company.status = CompanyStatus.SUSPENDED
    company.status_reason = reason
    company.suspended_until = until
    company.status_changed_at = timezone.now()
    company.save(update_fields=["status", "status_reason", "suspended_until", "status_changed_at"])
    audit_record(
        actor=actor,
        action="company.suspended",
        target=company,
        organization=company.organization,
        details={"reason": reason, "until": until},
    )
    event_emit(
        type="company.suspended",
        subject=company,
        payload={"company_id": company.pk, "reason": reason, "until": until},
        organizations=[company.organization],
    )
    return company


@transaction.atomic
def company_reinstate(*, actor: User | None, company: Company, reason: str) -> Company:
    _require_licensing(actor)
    company = _lock_company(company.pk)
    if company.status != CompanyStatus.SUSPENDED:
        raise Conflict(OperatorsError.NOT_SUSPENDED, _("This company is not suspended."))
    company.status = CompanyStatus.ACTIVE
    company.status_reason = reason
    company.suspended_until = None
    company.status_changed_at = timezone.now()
    company.save(update_fields=["status", "status_reason", "suspended_until", "status_changed_at"])
    audit_record(
        actor=actor,
        action="company.reinstated",
        target=company,
        organization=company.organization,
        details={"reason": reason},
    )
    event_emit(
        type="company.reinstated",
        subject=company,
        payload={"company_id": company.pk, "reason": reason},
        organizations=[company.organization],
    )
    return company


@transaction.atomic
def company_revoke(*, actor: User | None, company: Company, reason: str) -> Company:
    """Cancel a company's licence. Final: a revoked company is never reinstated."""
    _require_licensing(actor)
    if not reason.strip():
        raise ValidationFailed(
            OperatorsError.NOT_ALLOWED,
            _("A licence cancellation needs a reason."),
            fields={"reason": [_("Required.")]},
        )
    company = _lock_company(company.pk)
    if company.status == CompanyStatus.REVOKED:
        raise Conflict(OperatorsError.REVOKED, _("This company's licence is cancelled."))
    company.status = CompanyStatus.REVOKED
    company.status_reason = reason
    company.status_changed_at = timezone.now()
    company.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        actor=actor,
        action="company.revoked",
        target=company,
        organization=company.organization,
        details={"reason": reason},
    )
    event_emit(
        type="company.revoked",
        subject=company,
        payload={"company_id": company.pk, "reason": reason},
        organizations=[company.organization],
    )
    return company


def _lock_agent(agent_id: int) -> Agent:
    return (
        Agent.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=agent_id)
    )


def _agent_status_change(
    *, actor: User | None, agent: Agent, status: str, action: str, reason: str
) -> None:
    agent.status = status
    agent.status_reason = reason
    agent.save(update_fields=["status", "status_reason"])
    audit_record(
        actor=actor,
        action=action,
        target=agent,
        organization=agent.organization,
        details={"reason": reason},
    )
    event_emit(
        type=action,
        subject=agent,
        payload={"agent_id": agent.pk, "reason": reason},
        organizations=[agent.organization],
    )


@transaction.atomic
def agent_bar(*, actor: User | None, agent: Agent, reason: str) -> str:
    """Bar an overseas agent: no new contract may be registered with it. Returns its status
    before, so that whoever barred it (an appeal, a lifted penalty) can put it back.
    Idempotent: barring a barred agent changes nothing."""
    _require_licensing(actor)
    if not reason.strip():
        raise ValidationFailed(
            OperatorsError.NOT_ALLOWED,
            _("A bar needs a reason."),
            fields={"reason": [_("Required.")]},
        )
    agent = _lock_agent(agent.pk)
    before = agent.status
    if before != AgentStatus.BARRED:
        _agent_status_change(
            actor=actor,
            agent=agent,
            status=AgentStatus.BARRED,
            action="agent.barred",
            reason=reason,
        )
    return before


@transaction.atomic
def agent_unbar(*, actor: User | None, agent: Agent, reason: str) -> Agent:
    """Lift an agent's bar. Idempotent: an agent that is not barred is left as it is."""
    _require_licensing(actor)
    agent = _lock_agent(agent.pk)
    if agent.status == AgentStatus.BARRED:
        _agent_status_change(
            actor=actor,
            agent=agent,
            status=AgentStatus.ACTIVE,
            action="agent.unbarred",
            reason=reason,
        )
    return agent


@transaction.atomic
def agent_register(
    *,
    actor: User | None,
    code: str,
    name_en: str,
    name_ar: str,
    country: str,
    licence_number: str,
    licence_valid_until: dt.date,
    email: str = "",
) -> Agent:
    _require_licensing(actor)
    (country,) = _check_countries([country], "country")
    if Agent.objects.filter(country=country, licence_number=licence_number).exists():
        raise Conflict(
            OperatorsError.LICENCE_NUMBER_TAKEN,
            _("An agent of this country holds this licence number."),
            fields={"licence_number": [_("Already taken.")]},
        )
    org = organization_create(
        actor=actor,
        kind=OrganizationKind.AGENT,
        code=code,
        name_en=name_en,
        name_ar=name_ar,
        country=country,
        email=email,
    )
    agent = Agent.objects.create(
        organization=org,
        country=country,
        licence_number=licence_number,
        licence_valid_until=licence_valid_until,
    )
    audit_record(
        actor=actor,
        action="agent.registered",
        target=agent,
        organization=org,
        details={"country": country, "licence_number": licence_number},
    )
    event_emit(
        type="agent.registered",
        subject=agent,
        payload={"agent_id": agent.pk, "country": country, "licence_number": licence_number},
        organizations=[org],
    )
    return agent


@transaction.atomic
def contract_register(
    *,
    actor: User | None,
    company: Company,
    agent: Agent,
    countries: Iterable[str],
    valid_from: dt.date,
    valid_until: dt.date,
) -> Contract:
    """Register a company-agent contract. Two active contracts of the same pair may not
    overlap in time for the same country."""
    _require_licensing(actor)
    _check_period(valid_from, valid_until, "valid_until")
    codes = _check_countries(countries, "countries")
    # Lock the pair's contracts so two concurrent registrations cannot both pass the check.
    existing = list(
        Contract.objects.select_for_update()
        .filter(company=company, agent=agent, status=ContractStatus.ACTIVE)
        .filter(valid_from__lte=valid_until, valid_until__gte=valid_from)
    )
    overlap = sorted({c for contract in existing for c in contract.countries if c in codes})
    if overlap:
        raise Conflict(
            OperatorsError.CONTRACT_OVERLAP,
            _("An active contract of this company and agent covers these countries then: %s")
            % ", ".join(overlap),
            fields={"countries": [_("Already covered: %s") % ", ".join(overlap)]},
        )
    agent_row = Agent.objects.get(pk=agent.pk)
    if agent_row.status == AgentStatus.BARRED:
        raise Conflict(OperatorsError.AGENT_BARRED, _("This agent is barred."))
    contract = Contract.objects.create(
        company=company,
        agent=agent,
        countries=codes,
        valid_from=valid_from,
        valid_until=valid_until,
        registered_at=timezone.now(),
    )
    details = {
        "contract_id": contract.pk,
        "company_id": company.pk,
        "agent_id": agent.pk,
        "countries": codes,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    audit_record(
        actor=actor,
        action="contract.registered",
        target=contract,
        organization=company.organization,
        details=details,
    )
    event_emit(
        type="contract.registered",
        subject=contract,
        payload=details,
        organizations=[company.organization_id, agent.organization_id],
    )
    return contract


@transaction.atomic
def contract_terminate(*, actor: User | None, contract: Contract, reason: str) -> Contract:
    _require_licensing(actor)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.ACTIVE:
        raise Conflict(OperatorsError.CONTRACT_NOT_ACTIVE, _("This contract is not active."))
    contract.status = ContractStatus.TERMINATED
    contract.terminated_reason = reason
    contract.save(update_fields=["status", "terminated_reason"])
    payload = {
        "contract_id": contract.pk,
        "company_id": contract.company_id,
        "agent_id": contract.agent_id,
        "reason": reason,
    }
    audit_record(actor=actor, action="contract.terminated", target=contract, details=payload)
    event_emit(
        type="contract.terminated",
        subject=contract,
        payload=payload,
        organizations=[contract.company.organization_id, contract.agent.organization_id],
    )
    return contract
