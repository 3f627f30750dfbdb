"""The reporting demo step: the indicators of every season computed from what the other
steps recorded, the paper baseline created."""

from __future__ import annotations

import io
import random

import pytest

from masar.reporting.demo import demo_seed_step
from masar.reporting.models import DailyCount, IndicatorRefresh, PaperBaseline

pytestmark = pytest.mark.django_db


def test_the_demo_step_computes_the_indicators(recorded, media):
    season = recorded["season"]
    out = io.StringIO()

    report = demo_seed_step(rng=random.Random(1), season=season, stdout=out)

    rows = IndicatorRefresh.objects.get(season=season).rows
    assert (
        DailyCount.objects.filter(season=season, metric="submitted", dimension="total", scope=0)
        .get()
        .count
        == 4
    )
    assert PaperBaseline.objects.filter(season=season).exists()
    # The test season ended months ago: there is no current week to report.
    assert report == [f"reporting: {rows} indicator rows computed"]
    assert out.getvalue() == ""  # demo_seed prints the lines of every step, once
