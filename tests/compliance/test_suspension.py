"""Suspension: refused submissions, the end of its period, reinstatement by the ministry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from masar.compliance.models import ComplianceRules, Penalty
from masar.compliance.services import suspensions_expire, violations_raise_automatic
from masar.compliance.services.sweep import compliance_sweep
from masar.operators.models import Company


@pytest.fixture
def suspended(overstay: Any, rules: Any, company: Any) -> Penalty:
    ComplianceRules.objects.filter(pk=rules.pk).update(
        suspension_rate_pct=Decimal("20.00"),
        cancellation_rate_pct=Decimal("90.00"),
        suspension_mode="period",
        suspension_days=60,
    )
    overstay(4, 1)
    violations_raise_automatic()
    assert Company.objects.get(pk=company.pk).status == "suspended"
    return Penalty.objects.get(step="suspension")


@pytest.mark.django_db
def test_a_suspension_for_a_period_ends_with_it(suspended: Penalty, company: Any) -> None:
    assert suspended.ends_on == suspended.starts_on + dt.timedelta(days=60)
    assert suspensions_expire(today=suspended.ends_on) == []
    assert suspensions_expire(today=suspended.ends_on + dt.timedelta(days=1)) == [suspended.pk]
    suspended.refresh_from_db()
    assert (suspended.status, suspended.lifted_reason) == ("lifted", "The suspension period ended.")
    assert Company.objects.get(pk=company.pk).status == "active"


@pytest.mark.django_db
def test_the_ministry_reinstates_through_the_api(
    suspended: Penalty, company: Any, licensing_officer: Any, company_staff: Any, api: Any
) -> None:
    url = f"/api/v1/penalties/{suspended.pk}/lift/"
    refused = api(company_staff).post(url, {"reason": "we did"}, format="json")
    assert refused.status_code == 403
    assert Company.objects.get(pk=company.pk).status == "suspended"
    response = api(licensing_officer).post(
        url, {"reason": "Overstayers repatriated"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "lifted"
    assert Company.objects.get(pk=company.pk).status == "active"
    # The periodic sweep does not suspend it again on the same figures
    compliance_sweep()
    assert Company.objects.get(pk=company.pk).status == "active"
