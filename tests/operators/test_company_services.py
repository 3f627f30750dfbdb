from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from masar.core.audit import audit_verify
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.operators.models import Company, CompanyStatus
from masar.operators.services import (
    company_license,
    company_reinstate,
    company_revoke,
    company_suspend,
    contract_register,
)

pytestmark = pytest.mark.django_db


def _license(actor, **overrides):
    data = {
        "code": "al-safwa",
        "name_en": "Al-Safwa",
        "name_ar": "الصفوة",
        "licence_number": "UMR-1",
        "licence_valid_from": dt.date(2026, 1, 1),
        "licence_valid_until": dt.date(2028, 12, 31),
        "guarantee_amount": Decimal("2000000"),
        "guarantee_valid_until": dt.date(2028, 12, 31),
    }
    data.update(overrides)
    return company_license(actor=actor, **data)


def test_licensing_creates_organization_audit_and_event(licensing_officer):
    company = _license(licensing_officer)
    assert company.organization.kind == "company"
    assert company.status == CompanyStatus.ACTIVE
    entry = AuditEntry.objects.get(action="company.licensed")
    assert entry.actor == licensing_officer
    assert entry.details["licence_number"] == "UMR-1"
    event = OutboxEvent.objects.get(type="company.licensed")
    assert event.payload["company_id"] == company.pk
    assert event.organizations == [company.organization_id]
    assert audit_verify().ok


def test_only_ministry_licensing_staff_may_license(company_staff, visa_officer):
    for actor in (company_staff, visa_officer):
        with pytest.raises(Forbidden):
            _license(actor, code=f"x-{actor.pk}", licence_number=f"L{actor.pk}")
    assert not Company.objects.filter(licence_number__startswith="L").exists()


def test_licence_number_is_unique_and_nothing_is_half_written(licensing_officer):
    _license(licensing_officer)
    count = AuditEntry.objects.count()
    with pytest.raises(Conflict) as excinfo:
        _license(licensing_officer, code="other")
    assert excinfo.value.code == "licence_number_taken"
    assert AuditEntry.objects.count() == count


def test_period_must_be_in_order(licensing_officer):
    with pytest.raises(ValidationFailed) as excinfo:
        _license(licensing_officer, licence_valid_until=dt.date(2025, 1, 1))
    assert "licence_valid_until" in excinfo.value.fields


def test_suspend_reinstate_revoke_cycle(licensing_officer, company):
    company_suspend(actor=licensing_officer, company=company, reason="overstay rate 3%")
    company.refresh_from_db()
    assert company.status == CompanyStatus.SUSPENDED
    assert company.status_reason == "overstay rate 3%"
    with pytest.raises(Conflict) as excinfo:
        company_suspend(actor=licensing_officer, company=company, reason="again")
    assert excinfo.value.code == "company_already_suspended"
    company_reinstate(actor=licensing_officer, company=company, reason="cured")
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE
    company_revoke(actor=licensing_officer, company=company, reason="fraud")
    with pytest.raises(Conflict):
        company_reinstate(actor=licensing_officer, company=company, reason="no")
    actions = list(
        AuditEntry.objects.filter(
            target_id=str(company.pk), target_type="operators.company"
        ).values_list("action", flat=True)
    )
    assert actions == ["company.suspended", "company.reinstated", "company.revoked"]
    types = list(OutboxEvent.objects.values_list("type", flat=True))
    assert types == ["company.suspended", "company.reinstated", "company.revoked"]


def test_suspension_needs_a_reason(licensing_officer, company):
    with pytest.raises(ValidationFailed):
        company_suspend(actor=licensing_officer, company=company, reason="  ")
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE


def test_contracts_of_a_pair_may_not_overlap_for_a_country(licensing_officer, company, agent):
    contract_register(
        actor=licensing_officer,
        company=company,
        agent=agent,
        countries=["IDN"],
        valid_from=dt.date(2026, 5, 1),
        valid_until=dt.date(2027, 5, 1),
    )
    with pytest.raises(Conflict) as excinfo:
        contract_register(
            actor=licensing_officer,
            company=company,
            agent=agent,
            countries=["IDN", "MYS"],
            valid_from=dt.date(2027, 1, 1),
            valid_until=dt.date(2027, 12, 1),
        )
    assert excinfo.value.code == "contract_overlaps"
    later = contract_register(
        actor=licensing_officer,
        company=company,
        agent=agent,
        countries=["MYS"],
        valid_from=dt.date(2027, 1, 1),
        valid_until=dt.date(2027, 12, 1),
    )
    assert later.countries == ["MYS"]


def test_contract_countries_must_be_iso_codes(licensing_officer, company, agent):
    with pytest.raises(ValidationFailed) as excinfo:
        contract_register(
            actor=licensing_officer,
            company=company,
            agent=agent,
            countries=["XYZ"],
            valid_from=dt.date(2026, 5, 1),
            valid_until=dt.date(2027, 5, 1),
        )
    assert excinfo.value.fields == {"countries": ["Unknown: XYZ"]}
