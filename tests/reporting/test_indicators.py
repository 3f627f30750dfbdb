"""The maintained aggregates: exact counts per day and dimension, each company's own
scope, kingdom-local days, durations, pilgrims in the country, and refreshes that are
idempotent and limited to the days they name."""

from __future__ import annotations

import datetime as dt

import pytest

from masar.reporting import selectors
from masar.reporting.models import (
    ALL_SCOPE,
    DailyCount,
    DailyDuration,
    Dimension,
    IndicatorRefresh,
    Measure,
    Metric,
)
from masar.reporting.services import indicators_refresh, indicators_refresh_recent
from tests.applications.factories import GroupFactory
from tests.reporting.conftest import DAY1, at

pytestmark = pytest.mark.django_db


def _counts(season, scope, metric, dimension):
    return {
        (row.day, row.key): row.count
        for row in DailyCount.objects.filter(
            season=season, scope=scope, metric=metric, dimension=dimension
        )
    }


def test_counts_by_day_and_dimension_for_everyone(recorded):
    season = recorded["season"]
    d1, d2, d3 = recorded["days"]

    indicators_refresh(season=season)

    assert _counts(season, ALL_SCOPE, Metric.SUBMITTED, Dimension.TOTAL) == {(d1, ""): 4}
    assert _counts(season, ALL_SCOPE, Metric.SUBMITTED, Dimension.NATIONALITY) == {
        (d1, "IDN"): 2,
        (d1, "PAK"): 1,
        (d1, "EGY"): 1,
    }
    # 23:00 + 5 s, + 20 s, + 50 s are still day 1 in Riyadh; 01:30 the next day is day 2.
    assert _counts(season, ALL_SCOPE, Metric.DECIDED_AUTO, Dimension.TOTAL) == {(d1, ""): 3}
    assert _counts(season, ALL_SCOPE, Metric.DECIDED_MANUAL, Dimension.TOTAL) == {(d2, ""): 1}
    assert _counts(season, ALL_SCOPE, Metric.ISSUED, Dimension.TOTAL) == {(d2, ""): 3}
    assert _counts(season, ALL_SCOPE, Metric.ENTRIES, Dimension.PORT_TYPE) == {
        (d3, "air"): 2,
        (d3, "land"): 1,
    }
    assert _counts(season, ALL_SCOPE, Metric.ENTRIES, Dimension.PORT) == {
        (d3, "JED"): 1,
        (d3, "MED"): 1,
        (d3, "HDT"): 1,
    }
    assert _counts(season, ALL_SCOPE, Metric.EXITS, Dimension.CITY) == {
        (DAY1 + dt.timedelta(days=4), "Jeddah"): 1
    }
    assert _counts(season, ALL_SCOPE, Metric.OVERSTAYS, Dimension.NATIONALITY) == {
        (DAY1 + dt.timedelta(days=8), "IDN"): 1
    }


def test_a_company_scope_holds_only_its_own_figures(recorded, company, other_company):
    season = recorded["season"]
    d1, _d2, d3 = recorded["days"]

    indicators_refresh(season=season)

    assert _counts(season, company.pk, Metric.SUBMITTED, Dimension.NATIONALITY) == {
        (d1, "IDN"): 2,
        (d1, "PAK"): 1,
    }
    assert _counts(season, other_company.pk, Metric.SUBMITTED, Dimension.NATIONALITY) == {
        (d1, "EGY"): 1
    }
    assert _counts(season, other_company.pk, Metric.ENTRIES, Dimension.PORT) == {(d3, "HDT"): 1}
    # Screening data never goes into a company's scope (ADR 0034).
    assert not DailyCount.objects.filter(scope=company.pk, metric__startswith="reviews").exists()


def test_medians_and_90th_percentiles_from_the_histograms(recorded, company):
    season = recorded["season"]
    indicators_refresh(season=season)
    everyone = selectors.Window(season, ALL_SCOPE)

    issuance = selectors.duration_total(everyone, Measure.ISSUANCE)
    decision = selectors.duration_total(everyone, Measure.DECISION)
    own = selectors.duration_total(selectors.Window(season, company.pk), Measure.ISSUANCE)

    # Issuance took 1 h 30, 2 h and 3 h: buckets [1 h, 2 h) and [2 h, 4 h) x 2.
    assert issuance.count == 3
    assert issuance.median == pytest.approx(3600 * 2 + 7200 * (1.5 - 1) / 2)
    assert issuance.p90 == pytest.approx(7200 + 7200 * (2.7 - 1) / 2)
    assert decision.count == 4
    # 5 s, 20 s, 50 s, 2 h 30: the median falls in [10 s, 30 s), rank 2 of 4.
    assert decision.median == pytest.approx(30.0)
    assert own.count == 2
    assert own.median == pytest.approx(7200 + 7200 * 1 / 2)


def test_pilgrims_in_the_country_by_day_and_city(recorded):
    season = recorded["season"]
    indicators_refresh(season=season)
    window = selectors.Window(season, ALL_SCOPE)

    by_day = selectors.in_country_by_day(window)
    by_city = selectors.in_country_by_key(window, Dimension.CITY)

    assert by_day == {DAY1 + dt.timedelta(days=2): 3, DAY1 + dt.timedelta(days=4): 2}
    assert by_city == {"Madinah": 1, "Al-Qurayyat": 1}


def test_a_refresh_is_idempotent(recorded):
    season = recorded["season"]
    indicators_refresh(season=season)
    before = sorted(
        DailyCount.objects.values_list("scope", "day", "metric", "dimension", "key", "count")
    )
    durations = DailyDuration.objects.count()

    indicators_refresh(season=season)
    indicators_refresh(season=season, since=DAY1, until=DAY1 + dt.timedelta(days=3))

    after = sorted(
        DailyCount.objects.values_list("scope", "day", "metric", "dimension", "key", "count")
    )
    assert after == before
    assert DailyDuration.objects.count() == durations


def test_a_partial_refresh_touches_only_its_days(recorded, record, company, agent):
    season = recorded["season"]
    d1, d2, _d3 = recorded["days"]
    indicators_refresh(season=season)
    group = GroupFactory(season=season, company=company, agent=agent)
    # Two late records: one on day 1, one on day 2; only day 2 is refreshed.
    record(group=group, submitted_at=at(d1, 9))
    record(group=group, submitted_at=at(d2, 9))

    result = indicators_refresh(season=season, since=d2, until=d2)

    assert result.since == d2
    assert _counts(season, ALL_SCOPE, Metric.SUBMITTED, Dimension.TOTAL) == {
        (d1, ""): 4,
        (d2, ""): 1,
    }
    state = IndicatorRefresh.objects.get(season=season)
    assert (state.since, state.until) == (d2, d2)


def test_the_periodic_refresh_recomputes_the_recent_days_of_open_seasons(recorded):
    season = recorded["season"]
    d1 = recorded["days"][0]

    first = indicators_refresh_recent(today=d1 + dt.timedelta(days=1))
    DailyCount.objects.filter(season=season, day=d1).update(count=999)
    second = indicators_refresh_recent(today=d1 + dt.timedelta(days=1), days=2)

    assert [r.since for r in first] == [None]  # never refreshed: the whole season
    assert [r.since for r in second] == [d1]
    assert _counts(season, ALL_SCOPE, Metric.SUBMITTED, Dimension.TOTAL) == {(d1, ""): 4}


def test_since_and_until_go_together(recorded):
    with pytest.raises(ValueError):
        indicators_refresh(season=recorded["season"], since=DAY1)
