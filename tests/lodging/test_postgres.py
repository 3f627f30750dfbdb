"""On PostgreSQL, with real concurrency: two agents booking the last beds of a hotel at
once cannot both get them; the same batch of check-ins sent twice at once is stored once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.core.errors import Conflict
from masar.lodging.models import HotelStay, PlannedStay, StayEvent
from masar.lodging.services import stays_record_batch
from masar.lodging.services.itinerary import itinerary_set
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_groups_cannot_both_take_the_last_beds(
    group: Any, other_group: Any, agent_staff: Any, other_agent_staff: Any, hotel: Any
):
    start = group.arrival_date

    def book(actor: Any, target: Any) -> Any:
        return itinerary_set(
            actor=actor,
            group=target,
            stays=[
                {
                    "hotel_id": hotel.pk,
                    "check_in": start.isoformat(),
                    "check_out": (start + dt.timedelta(days=5)).isoformat(),
                    "guests": 60,
                }
            ],
        )

    results = run_together(
        lambda: book(agent_staff, group), lambda: book(other_agent_staff, other_group)
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict), results
    assert refused[0].code == "hotel_over_capacity"
    assert list(PlannedStay.objects.values_list("guests", flat=True)) == [60]


def test_the_same_stay_batch_twice_at_once_is_stored_once(visa_for: Any, hotel_system: Any) -> None:
    visas = [visa_for() for _ in range(3)]
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    batch = [
        {
            "client_event_id": f"twice-{i}",
            "kind": "check_in",
            "occurred_at": at,
            "visa_number": v.number,
        }
        for i, v in enumerate(visas)
    ]
    results = run_together(
        lambda: stays_record_batch(actor=hotel_system, events=batch),
        lambda: stays_record_batch(actor=hotel_system, events=list(reversed(batch))),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(sum(r.created for r in result) for result in results) == [0, 3]
    assert StayEvent.objects.count() == 3
    assert HotelStay.objects.count() == 3
