"""Quantiles read from the duration histograms: exact inside the bucket's bounds."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from masar.reporting.selectors import percentile_from_histogram
from masar.reporting.services.indicators import DURATION_BUCKETS


def _bucket(seconds: int) -> int:
    lower = DURATION_BUCKETS[0]
    for edge in DURATION_BUCKETS:
        if seconds >= edge:
            lower = edge
    return lower


def test_empty_histogram_has_no_quantile():
    assert percentile_from_histogram([], 0.5) is None
    assert percentile_from_histogram([(60, 0)], 0.5) is None


def test_interpolates_inside_a_bucket():
    # 4 durations in [60 s, 120 s): the median is half-way.
    assert percentile_from_histogram([(60, 4)], 0.5) == 90.0


def test_the_open_last_bucket_answers_its_lower_bound():
    last = DURATION_BUCKETS[-1]
    assert percentile_from_histogram([(last, 3)], 0.9) == float(last)


@given(
    st.lists(st.integers(min_value=0, max_value=90 * 86400), min_size=1, max_size=200),
    st.sampled_from([0.5, 0.9]),
)
def test_the_quantile_lies_in_the_bucket_of_the_exact_quantile(durations, q):
    histogram: dict[int, int] = {}
    for seconds in durations:
        histogram[_bucket(seconds)] = histogram.get(_bucket(seconds), 0) + 1
    ordered = sorted(durations)
    exact = ordered[max(math.ceil(q * len(ordered)) - 1, 0)]

    estimate = percentile_from_histogram(list(histogram.items()), q)

    assert estimate is not None
    lower = _bucket(exact)
    index = DURATION_BUCKETS.index(lower)
    upper = DURATION_BUCKETS[index + 1] if index + 1 < len(DURATION_BUCKETS) else lower
    assert lower <= estimate <= upper
