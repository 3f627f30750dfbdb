"""The season's compliance settings: read and changed by ministry staff, with effect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from masar.compliance.models import ComplianceRules, PenaltySchedule, Violation
from masar.compliance.services import violations_raise_automatic
from masar.core.models import AuditEntry


@pytest.mark.django_db
def test_licensing_staff_change_a_threshold_and_a_fine(
    season: Any, licensing_officer: Any, ministry_analyst: Any, api: Any, overstay: Any
) -> None:
    response = api(licensing_officer).patch(
        f"/api/v1/seasons/{season.pk}/compliance-rules/",
        {
            "settings": {"investigation_rate_pct": "0.50", "warning_cure_days": 45},
            "schedule": {"overstay": {"fine_sar": "40000.00", "points": 12}},
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = api(ministry_analyst).get(f"/api/v1/seasons/{season.pk}/compliance-rules/").json()
    assert body["settings"]["investigation_rate_pct"] == "0.50"
    assert body["settings"]["warning_cure_days"] == 45
    overstay_row = next(r for r in body["schedule"] if r["violation_type"] == "overstay")
    assert (overstay_row["fine_sar"], overstay_row["points"]) == ("40000.00", 12)
    assert AuditEntry.objects.filter(action="compliance_rules.updated").count() == 1
    # The change takes effect on the next violation
    overstay(3, 1)
    violations_raise_automatic()
    assert Violation.objects.get().fine_sar == Decimal("40000.00")


@pytest.mark.django_db
def test_unknown_or_bad_settings_change_nothing(
    season: Any, licensing_officer: Any, api: Any, rules: Any
) -> None:
    response = api(licensing_officer).patch(
        f"/api/v1/seasons/{season.pk}/compliance-rules/",
        {
            "settings": {"investigation_rate_pct": "0.5", "nonsense": 1, "warning_cure_days": -3},
            "schedule": {"bogus": {"fine_sar": "1"}},
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_compliance_rule"
    assert set(body["fields"]) == {"nonsense", "warning_cure_days", "schedule.bogus"}
    assert ComplianceRules.objects.get(pk=rules.pk).investigation_rate_pct == Decimal("1.00")
    assert not PenaltySchedule.objects.filter(fine_sar=Decimal("1")).exists()
