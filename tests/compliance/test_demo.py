"""The compliance demo step: violations from the border's overstays, an inspector's
violation under appeal, ratings for the quarter."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest

from masar.compliance.demo import demo_seed_step
from masar.compliance.models import Appeal, QuarterRating, Violation

pytestmark = pytest.mark.django_db


def test_the_demo_step(
    overstay: Any,
    season: Any,
    company: Any,
    company_staff: Any,
    inspector: Any,
    licensing_officer: Any,
) -> None:
    overstay(3, 1)
    out = io.StringIO()
    report = demo_seed_step(rng=random.Random(1), season=season, stdout=out)
    assert set(Violation.objects.values_list("violation_type", flat=True)) == {
        "overstay",
        "services_not_delivered",
    }
    assert Appeal.objects.get().status == "pending"
    assert QuarterRating.objects.filter(company=company).count() == 1
    assert len(report) == 1
    assert out.getvalue() == ""  # demo_seed prints the lines of every step, once
    # A second run raises nothing new from the border and keeps one rating per quarter
    demo_seed_step(rng=random.Random(1), season=season, stdout=io.StringIO())
    assert Violation.objects.filter(violation_type="overstay").count() == 1
    assert QuarterRating.objects.filter(company=company).count() == 1
