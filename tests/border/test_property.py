"""Out-of-order and duplicated batches from an offline port give the same final state as
the in-order stream (hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masar.applications.models import Application
from masar.border.models import Crossing, Stay
from masar.border.services import crossings_record_batch

pytestmark = pytest.mark.django_db

EVENT = st.tuples(
    st.integers(min_value=0, max_value=2),  # which pilgrim
    st.sampled_from(["entry", "exit"]),
    st.integers(min_value=0, max_value=96),  # hours after the base time
    st.sampled_from(["JED", "HADITHA", "JIP"]),
)


class _Rollback(Exception):
    pass


def _snapshot(app_ids: list[int]) -> dict[str, Any]:
    return {
        "crossings": sorted(
            Crossing.objects.values_list("client_event_id", "outcome", "refusal_code")
        ),
        "stays": sorted(
            Stay.objects.values_list(
                "application_id",
                "entry_crossing__client_event_id",
                "exit_crossing__client_event_id",
                "entered_at",
                "exited_at",
                "permitted_departure",
                "days_stayed",
                "overstay_days",
            )
        ),
        "applications": sorted(
            Application.objects.filter(pk__in=app_ids).values_list(
                "pk", "status", "entered_at", "departed_at", "active_passport"
            )
        ),
    }


def _run(actor: Any, batches: list[list[dict[str, Any]]], app_ids: list[int]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    try:
        with transaction.atomic():
            for batch in batches:
                crossings_record_batch(actor=actor, events=batch)
            state = _snapshot(app_ids)
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
    raw=st.lists(EVENT, min_size=1, max_size=9),
    order=st.randoms(use_true_random=False),
    batch_size=st.integers(min_value=1, max_value=5),
    duplicates=st.integers(min_value=0, max_value=4),
)
def test_any_arrival_order_gives_the_in_order_state(
    visa_for: Any, gate: Any, ports: Any, raw: Any, order: Any, batch_size: int, duplicates: int
) -> None:
    if not hasattr(test_any_arrival_order_gives_the_in_order_state, "_visas"):
        pass
    visas = _visas(visa_for)
    base = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=5)
    events = [
        {
            "client_event_id": f"e{i:02d}",
            "port_code": port,
            "direction": direction,
            "occurred_at": base + dt.timedelta(hours=hours),
            "visa_number": visas[who].number,
            "source": "gate",
        }
        for i, (who, direction, hours, port) in enumerate(raw)
    ]
    app_ids = [v.application_id for v in visas]
    # given the in-order stream, one event at a time
    in_order = sorted(events, key=lambda e: (e["occurred_at"], e["client_event_id"]))
    expected = _run(gate, [[e] for e in in_order], app_ids)
    # when the same events arrive shuffled, in batches, some of them twice
    shuffled = list(events) + [order.choice(events) for _ in range(duplicates)]
    order.shuffle(shuffled)
    batches = [shuffled[i : i + batch_size] for i in range(0, len(shuffled), batch_size)]
    actual = _run(gate, batches, app_ids)
    # then the final state is the same
    assert actual == expected


_CACHE: dict[int, list[Any]] = {}


def _visas(visa_for: Any) -> list[Any]:
    key = id(visa_for)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = [visa_for(days_ago=20) for _ in range(3)]
    return _CACHE[key]
