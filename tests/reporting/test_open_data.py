"""Open data: aggregates only, and never a cell under the suppression threshold."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from masar.reporting.models import ALL_SCOPE, DailyCount, Dimension, Metric
from masar.reporting.opendata import DATASETS, suppress
from masar.reporting.services import indicators_refresh
from tests.factories import SeasonFactory

URL = "/api/v1/open-data/"


@given(st.lists(st.integers(min_value=1, max_value=60), max_size=30), st.integers(2, 30))
def test_suppression_hides_every_small_cell_and_never_a_lone_one(cells, threshold):
    hidden = suppress(cells, threshold)

    assert all(h for count, h in zip(cells, hidden, strict=True) if count < threshold)
    # Never exactly one hidden cell beside shown ones: it could be derived from a total.
    assert not (sum(hidden) == 1 and len(cells) > 1)


NATIONALITIES = ["IDN", "PAK", "IND", "EGY", "TUR", "MYS"]
cell_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=80),  # day offset (three months)
        st.sampled_from(NATIONALITIES + ["air", "land", "sea"]),
        st.integers(min_value=1, max_value=25),
        st.sampled_from([Metric.ISSUED, Metric.ENTRIES]),
        st.sampled_from([ALL_SCOPE, 7]),
    ),
    max_size=40,
)


class TestNoCellUnderTheThreshold(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(cells=cell_strategy, threshold=st.integers(min_value=2, max_value=15))
    def test_no_endpoint_ever_returns_a_count_under_the_threshold(self, cells, threshold):
        cache.clear()  # the anonymous rate limit counts in the cache
        season = SeasonFactory()
        for offset, key, count, metric, scope in cells:
            dimension = (
                Dimension.PORT_TYPE if key in ("air", "land", "sea") else Dimension.NATIONALITY
            )
            if metric == Metric.ISSUED and dimension == Dimension.PORT_TYPE:
                continue
            row, _ = DailyCount.objects.get_or_create(
                season=season,
                day=dt.date(2026, 1, 1) + dt.timedelta(days=offset),
                metric=metric,
                scope=scope,
                dimension=dimension,
                key=key,
                defaults={"count": 0},
            )
            DailyCount.objects.filter(pk=row.pk).update(count=row.count + count)
        with self.settings(MASAR_OPEN_DATA_MIN_CELL=threshold):
            for slug, dataset in DATASETS.items():
                value_field = dataset.value_field.name
                body = self.client.get(f"{URL}{slug}.json").json()
                assert body["threshold"] == threshold
                for row in body["rows"]:
                    assert row[value_field] is None or row[value_field] >= threshold
                    assert row["suppressed"] is (row[value_field] is None)
                text = self.client.get(f"{URL}{slug}.csv").content.decode()
                for row in csv.DictReader(io.StringIO(text)):
                    assert row[value_field] == "" or int(row[value_field]) >= threshold
        DailyCount.objects.all().delete()


@pytest.mark.django_db
def test_datasets_sum_the_months_and_document_their_fields(client, recorded, settings):
    settings.MASAR_OPEN_DATA_MIN_CELL = 1
    indicators_refresh(season=recorded["season"])

    index = client.get(URL).json()
    arrivals = client.get(f"{URL}arrivals-by-port-type.json").json()
    visas = client.get(f"{URL}visas-by-nationality.json?season=umrah-test").json()

    assert [d["slug"] for d in index["datasets"]] == [
        "visas-by-nationality",
        "arrivals-by-port-type",
        "arrivals-by-nationality",
    ]
    assert [f["name"] for f in index["datasets"][1]["fields"]] == [
        "season",
        "month",
        "port_type",
        "arrivals",
        "suppressed",
    ]
    assert arrivals["rows"] == [
        {
            "season": "umrah-test",
            "month": "2026-03",
            "port_type": "air",
            "arrivals": 2,
            "suppressed": False,
        },
        {
            "season": "umrah-test",
            "month": "2026-03",
            "port_type": "land",
            "arrivals": 1,
            "suppressed": False,
        },
    ]
    assert visas["rows"] == [
        {
            "season": "umrah-test",
            "month": "2026-03",
            "nationality": "EGY",
            "visas_issued": 1,
            "suppressed": False,
        },
        {
            "season": "umrah-test",
            "month": "2026-03",
            "nationality": "IDN",
            "visas_issued": 2,
            "suppressed": False,
        },
    ]


@pytest.mark.django_db
def test_the_default_threshold_withholds_the_small_season(client, recorded):
    indicators_refresh(season=recorded["season"])

    arrivals = client.get(f"{URL}arrivals-by-port-type.json").json()
    page = client.get("/open-data/")

    assert arrivals["threshold"] == 10
    assert [r["arrivals"] for r in arrivals["rows"]] == [None, None]
    assert page.status_code == 200
    assert "arrivals-by-port-type.csv" in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_dataset_is_a_404(client):
    response = client.get(f"{URL}people.json")

    assert response.status_code == 404
    assert response.json()["code"] == "open_data_dataset_not_found"
