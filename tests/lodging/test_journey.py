"""The journey (API) and the case file (page) show every hotel stay and trip of a pilgrim,
to those who may read them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.lodging.services import boardings_record, stays_record_batch, trip_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def travelled(visa_for: Any, hotel_system: Any, operator_clerk: Any, now: Any) -> Any:
    visa = visa_for()
    app = visa.application
    checked_in = now - dt.timedelta(days=3)
    checked_out = now - dt.timedelta(hours=6)
    stays_record_batch(
        actor=hotel_system,
        events=[
            {
                "client_event_id": "j-1",
                "kind": "check_in",
                "occurred_at": checked_in,
                "visa_number": visa.number,
            },
            {
                "client_event_id": "j-2",
                "kind": "check_out",
                "occurred_at": checked_out,
                "visa_number": visa.number,
            },
        ],
    )
    result = trip_record(
        actor=operator_clerk,
        client_trip_id="T-1",
        from_city="makkah",
        to_city="madinah",
        departure_at=now - dt.timedelta(hours=5),
        passengers=[{"visa_number": visa.number}],
    )
    boardings_record(
        actor=operator_clerk,
        trip=result.trip,
        boardings=[
            {"visa_number": visa.number, "boarded_at": now - dt.timedelta(hours=5, minutes=10)}
        ],
    )
    return app


def test_the_journey_lists_stays_and_trips(api: Any, travelled: Any, company_staff: Any):
    body = api(company_staff).get(f"/api/v1/pilgrims/{travelled.number}/journey/").json()
    assert [(s["hotel_code"], s["city"]) for s in body["hotel_stays"]] == [
        ("hotel-safwah", "makkah")
    ]
    assert body["hotel_stays"][0]["checked_out_at"] is not None
    assert [(t["operator_code"], t["from_city"], t["to_city"]) for t in body["trips"]] == [
        ("coaches-one", "makkah", "madinah")
    ]
    field = [i for i in body["timeline"] if i["kind"] in ("check_in", "check_out", "boarding")]
    assert [(i["kind"], i["place"]) for i in field] == [
        ("check_in", "hotel-safwah"),
        ("check_out", "hotel-safwah"),
        ("boarding", "coaches-one"),
    ]


def test_the_consular_side_does_not_read_the_field_events(
    api: Any, travelled: Any, visa_officer: Any
):
    body = api(visa_officer).get(f"/api/v1/pilgrims/{travelled.number}/journey/").json()
    assert body["hotel_stays"] == [] and body["trips"] == []
    assert not [i for i in body["timeline"] if i["kind"] in ("check_in", "boarding")]


def test_the_case_file_shows_them(client: Any, travelled: Any, company_staff: Any):
    client.force_login(company_staff)
    page = client.get(f"/applications/{travelled.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("data-stay") == 1 and html.count("data-trip") == 1
    assert "Al Safwah Tower" in html and "Madinah" in html
