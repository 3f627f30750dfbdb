"""The ladder: a pure level function over the season's thresholds, and its steps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masar.compliance.models import ComplianceRules, Penalty, PenaltyStep
from masar.compliance.services import ladder_level, ladder_recompute, violations_raise_automatic
from masar.operators.models import AgentStatus
from masar.seasons.models import Quota

RULES = ComplianceRules()  # the defaults, unsaved


@given(
    rate=st.decimals(min_value=0, max_value=100, places=2),
    points=st.integers(min_value=0, max_value=5000),
    more_rate=st.decimals(min_value=0, max_value=10, places=2),
    more_points=st.integers(min_value=0, max_value=500),
)
def test_more_overstays_or_points_never_lower_the_level(
    rate: Decimal, points: int, more_rate: Decimal, more_points: int
) -> None:
    before = ladder_level(rate_pct=rate, points=points, entered=100, rules=RULES)
    after = ladder_level(
        rate_pct=rate + more_rate, points=points + more_points, entered=100, rules=RULES
    )
    assert 0 <= before <= after <= 5


@pytest.mark.parametrize(
    ("rate", "points", "level"),
    [
        ("0.99", 0, 0),
        ("1.00", 0, 1),
        ("2.00", 0, 2),
        ("3.00", 0, 3),
        ("5.00", 0, 4),
        ("10.00", 0, 5),
        ("0.00", 100, 2),
        ("1.50", 400, 4),
    ],
)
def test_the_default_thresholds(rate: str, points: int, level: int) -> None:
    assert ladder_level(rate_pct=Decimal(rate), points=points, entered=100, rules=RULES) == level


def test_the_rate_counts_only_once_enough_pilgrims_entered() -> None:
    rules = ComplianceRules(minimum_entered=50)
    assert ladder_level(rate_pct=Decimal("50"), points=0, entered=49, rules=rules) == 0
    assert ladder_level(rate_pct=Decimal("50"), points=0, entered=50, rules=rules) == 5


@pytest.mark.django_db
def test_a_quota_cut_lowers_the_company_quota_by_the_season_percentage(
    overstay: Any, rules: Any, season: Any, company: Any, quotas: Any
) -> None:
    # Given a 3 % quota-cut threshold (default), a 25 % cut and a company quota of 1000
    ComplianceRules.objects.filter(pk=rules.pk).update(
        quota_cut_pct=Decimal("25.00"),
        suspension_rate_pct=Decimal("90.00"),
        cancellation_rate_pct=Decimal("95.00"),
    )
    overstay(4, 1)
    # When the violations are raised (25 % overstay rate)
    violations_raise_automatic()
    # Then the quota is cut from 1000 to 750 and the penalty remembers it
    quota = Quota.objects.get(season=season, company=company)
    assert quota.limit == 750
    cut = Penalty.objects.get(step=PenaltyStep.QUOTA_CUT)
    assert cut.effect == {"quota_id": quota.pk, "limit_before": 1000, "limit_after": 750}


@pytest.mark.django_db
def test_a_recompute_is_idempotent(overstay: Any, rules: Any, season: Any, company: Any) -> None:
    ComplianceRules.objects.filter(pk=rules.pk).update(
        suspension_rate_pct=Decimal("90.00"), cancellation_rate_pct=Decimal("95.00")
    )
    overstay(4, 1)
    violations_raise_automatic()
    count = Penalty.objects.count()
    again = ladder_recompute(season=season, company=company)
    assert again.imposed == []
    assert Penalty.objects.count() == count


@pytest.mark.django_db
def test_an_agent_with_enough_overstayers_is_barred(
    overstay: Any, rules: Any, agent: Any, company: Any
) -> None:
    # Given an agent bar from 2 overstayers at 20 %
    ComplianceRules.objects.filter(pk=rules.pk).update(
        agent_bar_min_overstayers=2,
        agent_bar_rate_pct=Decimal("20.00"),
        suspension_rate_pct=Decimal("90.00"),
        cancellation_rate_pct=Decimal("95.00"),
    )
    overstay(5, 2)
    violations_raise_automatic()
    agent.refresh_from_db()
    assert agent.status == AgentStatus.BARRED
    bar = Penalty.objects.get(step=PenaltyStep.AGENT_BAR)
    assert (bar.agent_id, bar.company_id, bar.effect) == (
        agent.pk,
        company.pk,
        {"agent_status_before": "active"},
    )


@pytest.mark.django_db
def test_the_cancellation_step_revokes_the_licence(overstay: Any, rules: Any, company: Any) -> None:
    ComplianceRules.objects.filter(pk=rules.pk).update(cancellation_rate_pct=Decimal("25.00"))
    overstay(4, 1)
    violations_raise_automatic()
    company.refresh_from_db()
    assert company.status == "revoked"
    assert set(Penalty.objects.values_list("step", flat=True)) == {
        "investigation",
        "warning",
        "quota_cut",
        "suspension",
        "cancellation",
    }
