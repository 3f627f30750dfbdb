"""Out-of-order and duplicated batches of check-ins and check-outs from a hotel's property
system give the same stays as the in-order stream (hypothesis), as for border crossings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masar.lodging.models import HotelStay, StayEvent
from masar.lodging.services import stays_record_batch

pytestmark = pytest.mark.django_db

EVENT = st.tuples(
    st.integers(min_value=0, max_value=2),  # which pilgrim
    st.sampled_from(["check_in", "check_out"]),
    st.integers(min_value=0, max_value=96),  # hours after the base time
)


class _Rollback(Exception):
    pass


def _snapshot() -> dict[str, Any]:
    return {
        "events": sorted(
            StayEvent.objects.values_list(
                "client_event_id", "kind", "occurred_at", "application_id"
            )
        ),
        "stays": sorted(
            HotelStay.objects.values_list(
                "application_id", "hotel_id", "city", "checked_in_at", "checked_out_at", "source"
            )
        ),
    }


def _run(actor: Any, batches: list[list[dict[str, Any]]]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    try:
        with transaction.atomic():
            for batch in batches:
                stays_record_batch(actor=actor, events=batch)
            state = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return state


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    raw=st.lists(EVENT, min_size=1, max_size=10),
    order=st.randoms(use_true_random=False),
    batch_size=st.integers(min_value=1, max_value=5),
    duplicates=st.integers(min_value=0, max_value=4),
)
def test_any_arrival_order_gives_the_in_order_stays(
    visa_for: Any, hotel_system: Any, raw: Any, order: Any, batch_size: int, duplicates: int
) -> None:
    visas = _visas(visa_for)
    base = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=5)
    events = [
        {
            "client_event_id": f"e{i:02d}",
            "kind": kind,
            "occurred_at": base + dt.timedelta(hours=hours),
            "visa_number": visas[who].number,
        }
        for i, (who, kind, hours) in enumerate(raw)
    ]
    # given the in-order stream, one event at a time
    in_order = sorted(events, key=lambda e: (e["occurred_at"], e["client_event_id"]))
    expected = _run(hotel_system, [[e] for e in in_order])
    # when the same events arrive shuffled, in batches, some of them twice
    shuffled = list(events) + [order.choice(events) for _ in range(duplicates)]
    order.shuffle(shuffled)
    batches = [shuffled[i : i + batch_size] for i in range(0, len(shuffled), batch_size)]
    actual = _run(hotel_system, batches)
    # then the stays are the same
    assert actual == expected
    # and every stay is closed by a later check-out or open, never before its check-in
    for _app, _hotel, _city, checked_in, checked_out, _source in actual["stays"]:
        assert checked_out is None or checked_out >= checked_in


_CACHE: dict[int, list[Any]] = {}


def _visas(visa_for: Any) -> list[Any]:
    key = id(visa_for)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = [visa_for(days_ago=20) for _ in range(3)]
    return _CACHE[key]


def test_in_out_and_in_again_at_one_instant_is_one_stay(visa_for: Any, hotel_system: Any) -> None:
    """The case the property found: three events of one pilgrim at the same second, in one
    batch or one at a time, give the same single stay instead of failing the batch."""
    visa = _visas(visa_for)[0]
    at = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
    events = [
        {"client_event_id": cid, "kind": kind, "occurred_at": at, "visa_number": visa.number}
        for cid, kind in (("e0", "check_in"), ("e1", "check_out"), ("e2", "check_in"))
    ]
    together = _run(hotel_system, [events])
    one_by_one = _run(hotel_system, [[e] for e in events])
    assert together == one_by_one
    assert [(s[3], s[4]) for s in together["stays"]] == [(at, at)]
