"""Operator compliance, end to end: pilgrims of one company overstay past the threshold, the sweep
runs, violations and fines appear, the company is suspended and its next submission is
refused with a coded error; an appeal cancels one violation and the ladder recomputes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from masar.applications.services import application_submit
from masar.compliance.models import (
    ComplianceRules,
    Invoice,
    Notice,
    Penalty,
    PenaltySchedule,
    Violation,
)
from masar.compliance.services import violations_raise_automatic
from masar.compliance.services.sweep import compliance_sweep
from masar.core.errors import Forbidden
from masar.operators.models import Company
from tests.compliance.conftest import leave, sweep_overstays


@pytest.mark.django_db
def test_overstays_suspend_the_company_and_an_appeal_recomputes_the_ladder(
    enter: Any,
    port: Any,
    season: Any,
    company: Any,
    company_staff: Any,
    agent_staff: Any,
    licensing_officer: Any,
    make_draft: Any,
    api: Any,
    rules: Any,
) -> None:
    # Given ten pilgrims of the company entered, eight left in time and two overstay, with a
    # season whose suspension threshold is 15 % and whose agent bar needs 3 overstayers
    ComplianceRules.objects.filter(season=season).update(
        suspension_rate_pct=Decimal("15.00"),
        cancellation_rate_pct=Decimal("50.00"),
        suspension_mode="until_left",
    )
    stays = enter(10)
    for stay in stays[2:]:
        leave(stay, port)
    assert sweep_overstays(stays) == 2

    # When the compliance sweep runs (after the escape-notice deadline has passed)
    result = compliance_sweep(now=timezone.now() + dt.timedelta(days=2))

    # Then each overstayer is an overstay and an unreported-overstay violation, with fines
    assert result.by_type == {"overstay": 2, "unreported_overstay": 2}
    violations = Violation.objects.filter(company=company)
    assert violations.count() == 4
    company_fines = Invoice.objects.filter(company=company, payer="company")
    assert company_fines.count() == 4
    assert sum(i.amount_sar for i in company_fines) == Decimal("100000.00")
    # 20 % overstay rate: investigation, warning, quota cut and suspension, each with a notice
    steps = set(
        Penalty.objects.filter(company=company, status="active").values_list("step", flat=True)
    )
    assert steps == {"investigation", "warning", "quota_cut", "suspension"}
    assert Notice.objects.filter(company=company, kind="penalty").count() == 4
    company.refresh_from_db()
    assert company.status == "suspended"

    # And the company's next submission is refused with a coded error
    app = make_draft()
    with pytest.raises(Forbidden) as refused:
        application_submit(actor=agent_staff, application=app)
    assert refused.value.code == "company_suspended"
    app.refresh_from_db()
    assert app.status == "draft"

    # When the company appeals one overstay violation and the ministry cancels it
    overstay_violation = violations.filter(violation_type="overstay").order_by("pk").first()
    assert overstay_violation is not None
    filed = api(company_staff).post(
        f"/api/v1/violations/{overstay_violation.pk}/appeal/",
        {"statement": "The pilgrim was in hospital; certificate attached."},
        format="multipart",
    )
    assert filed.status_code == 201, filed.json()
    decided = api(licensing_officer).post(
        f"/api/v1/appeals/{filed.json()['id']}/decide/",
        {"decision": "cancelled", "reason": "Hospital certificate verified."},
        format="json",
    )
    assert decided.status_code == 200, decided.json()

    # Then the violation no longer counts, its fine is cancelled, the rate falls to 10 %
    # (below the 15 % suspension threshold, above the 3 % quota-cut one): the suspension is
    # lifted, the other steps stand
    overstay_violation.refresh_from_db()
    assert overstay_violation.status == "cancelled"
    assert set(
        Invoice.objects.filter(violation=overstay_violation).values_list("status", flat=True)
    ) == {"cancelled"}
    standing = (
        api(licensing_officer)
        .get(f"/api/v1/companies/{company.pk}/compliance/", {"season": season.pk})
        .json()
    )
    assert standing["overstay_rate_pct"] == "10.00"
    assert standing["overstayers"] == 1
    assert standing["fines_due_sar"] == "75000.00"
    assert Company.objects.get(pk=company.pk).status == "active"
    assert set(
        Penalty.objects.filter(company=company, status="active").values_list("step", flat=True)
    ) == {"investigation", "warning", "quota_cut"}
    assert Penalty.objects.get(company=company, step="suspension").status == "lifted"
    assert Notice.objects.filter(company=company, kind="penalty_lifted").count() == 1
    # And a second sweep changes nothing (idempotent)
    again = violations_raise_automatic(now=timezone.now() + dt.timedelta(days=2))
    assert again.raised == 0


@pytest.mark.django_db
def test_thresholds_and_amounts_come_from_the_season(
    enter: Any, port: Any, season: Any, company: Any, rules: Any
) -> None:
    # Given a season with a higher overstay fine and an investigation threshold of 50 %
    PenaltySchedule.objects.filter(season=season).delete()
    from masar.compliance.services import schedule_for

    schedule_for(season)
    PenaltySchedule.objects.filter(season=season, violation_type="overstay").update(
        fine_sar=Decimal("31000.00"), points=3
    )
    ComplianceRules.objects.filter(season=season).update(
        investigation_rate_pct=Decimal("50.00"),
        warning_rate_pct=Decimal("60.00"),
        quota_cut_rate_pct=Decimal("70.00"),
        suspension_rate_pct=Decimal("80.00"),
        cancellation_rate_pct=Decimal("90.00"),
        investigation_points=0,
        warning_points=0,
        quota_cut_points=0,
        suspension_points=0,
        cancellation_points=0,
    )
    stays = enter(4)
    for stay in stays[1:]:
        leave(stay, port)
    sweep_overstays(stays)

    # When the violations are raised before the notice deadline
    violations_raise_automatic()

    # Then the fine is the season's, and 25 % is under this season's 50 % threshold
    violation = Violation.objects.get(company=company)
    assert (violation.violation_type, violation.fine_sar, violation.points) == (
        "overstay",
        Decimal("31000.00"),
        3,
    )
    assert not Penalty.objects.filter(company=company).exists()

    # When the ministry lowers the investigation threshold to 25 % and the ladder recomputes
    from masar.compliance.services import ladder_recompute

    ComplianceRules.objects.filter(season=season).update(investigation_rate_pct=Decimal("25.00"))
    standing = ladder_recompute(season=season, company=company)

    # Then the investigation opens
    assert standing.imposed == ["investigation"]
