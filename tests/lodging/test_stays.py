"""Check-ins and check-outs through the services: one at the desk, batches, replays, late
events, refusals, and the stays derived from them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.core.errors import Forbidden, ValidationFailed
from masar.integration.models import OutboxEvent
from masar.lodging.models import HotelStay, StayEvent
from masar.lodging.selectors import pilgrim_last_known, pilgrims_last_known
from masar.lodging.services import stay_record, stays_record_batch
from tests.lodging.conftest import event_id

pytestmark = pytest.mark.django_db


def ev(visa: Any, kind: str, at: dt.datetime, cid: str | None = None) -> dict[str, Any]:
    return {
        "client_event_id": cid or event_id(),
        "kind": kind,
        "occurred_at": at,
        "visa_number": visa.number,
    }


def test_a_desk_check_in_opens_a_stay(visa_for: Any, hotel: Any, hotel_clerk: Any, now: Any):
    visa = visa_for()
    result = stay_record(
        actor=hotel_clerk,
        kind="check_in",
        occurred_at=now,
        client_event_id="desk-1",
        passport_number=visa.application.pilgrim.passport_number,
        nationality=visa.application.pilgrim.nationality,
    )
    assert result.accepted and result.created
    stay = HotelStay.objects.get()
    assert (stay.application_id, stay.hotel_id, stay.city) == (
        visa.application_id,
        hotel.pk,
        "makkah",
    )
    assert stay.checked_in_at == now and stay.checked_out_at is None
    assert result.stay == stay
    assert OutboxEvent.objects.filter(type="hotel_stay.recorded").count() == 1
    last = pilgrim_last_known(visa.application)
    assert last is not None
    assert (last.kind, last.at, last.source, last.city) == ("check_in", now, "desk", "makkah")


def test_a_late_batch_keeps_original_times_and_a_replay_changes_nothing(
    visa_for: Any, hotel_system: Any, now: Any
):
    visa = visa_for()
    check_in, check_out = now - dt.timedelta(days=3), now - dt.timedelta(days=1)
    out = ev(visa, "check_out", check_out, "b-2")
    first = stays_record_batch(actor=hotel_system, events=[out])
    assert first[0].accepted and first[0].created and first[0].stay is None
    assert HotelStay.objects.count() == 0
    inn = ev(visa, "check_in", check_in, "b-1")
    stays_record_batch(actor=hotel_system, events=[inn, out])
    stay = HotelStay.objects.get()
    assert (stay.checked_in_at, stay.checked_out_at) == (check_in, check_out)
    again = stays_record_batch(actor=hotel_system, events=[inn, out])
    assert [r.created for r in again] == [False, False]
    assert StayEvent.objects.count() == 2
    assert HotelStay.objects.get().pk == stay.pk


def test_an_unknown_pilgrim_is_refused_per_event(visa_for: Any, hotel_system: Any, now: Any):
    visa = visa_for()
    results = stays_record_batch(
        actor=hotel_system,
        events=[
            ev(visa, "check_in", now),
            {
                "client_event_id": "x-1",
                "kind": "check_in",
                "occurred_at": now,
                "passport_number": "ZZ0000000",
            },
        ],
    )
    assert [(r.accepted, r.code) for r in results] == [(True, ""), (False, "no_visa")]
    assert StayEvent.objects.count() == 1


def test_a_malformed_batch_is_refused_whole(visa_for: Any, hotel_system: Any, now: Any):
    visa = visa_for()
    with pytest.raises(ValidationFailed) as caught:
        stays_record_batch(
            actor=hotel_system,
            events=[ev(visa, "check_in", now), {"client_event_id": "", "kind": "nap"}],
        )
    assert set(caught.value.fields) >= {"1.client_event_id", "1.kind", "1.occurred_at"}
    assert StayEvent.objects.count() == 0


def test_only_a_hotel_records(visa_for: Any, company_staff: Any, now: Any):
    visa = visa_for()
    with pytest.raises(Forbidden):
        stays_record_batch(actor=company_staff, events=[ev(visa, "check_in", now)])
    assert StayEvent.objects.count() == 0


def test_the_last_known_event_of_many_pilgrims_in_three_queries(
    visa_for: Any, hotel_system: Any, now: Any, django_assert_num_queries: Any
):
    first, second, third = visa_for(), visa_for(), visa_for()
    stays_record_batch(
        actor=hotel_system,
        events=[
            ev(first, "check_in", now - dt.timedelta(hours=3)),
            ev(first, "check_out", now - dt.timedelta(hours=1)),
            ev(second, "check_in", now - dt.timedelta(hours=2)),
        ],
    )
    ids = [first.application_id, second.application_id, third.application_id]
    with django_assert_num_queries(3):
        known = pilgrims_last_known(ids)
    assert {k: (v.kind, v.at) for k, v in known.items()} == {
        first.application_id: ("check_out", now - dt.timedelta(hours=1)),
        second.application_id: ("check_in", now - dt.timedelta(hours=2)),
    }
    assert pilgrim_last_known(third.application) is None
