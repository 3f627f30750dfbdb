"""On PostgreSQL, with real concurrency: refreshes of one season run one after the other
(the season's refresh row is locked), and the result is the same as one refresh."""

from __future__ import annotations

from typing import Any

import pytest

from masar.reporting.models import DailyCount, DailyDuration
from masar.reporting.services import indicators_refresh
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        DailyCount.objects.values_list("scope", "day", "metric", "dimension", "key", "count")
    )


def test_concurrent_refreshes_of_a_season_do_not_collide(recorded):
    season = recorded["season"]
    d1, _d2, d3 = recorded["days"]
    indicators_refresh(season=season)
    expected, durations = _snapshot(), DailyDuration.objects.count()
    DailyCount.objects.all().delete()

    results = run_together(
        lambda: indicators_refresh(season=season),
        lambda: indicators_refresh(season=season),
        lambda: indicators_refresh(season=season, since=d1, until=d3),
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert _snapshot() == expected
    assert DailyDuration.objects.count() == durations
