"""The lodging API: the providers' register, a group's itinerary, stays, trips and
boardings over HTTP, and what each organization may read or change (cross-organization)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.lodging.models import (
    Hotel,
    HotelStay,
    PlannedStay,
    StayEvent,
    TransportOperator,
    Trip,
    TripPassenger,
)

pytestmark = pytest.mark.django_db


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


# --- Register ------------------------------------------------------------------------------


def test_the_licensing_officer_registers_suspends_and_reinstates_a_hotel(
    api: Any, licensing_officer: Any, company_staff: Any
):
    client = api(licensing_officer)
    body = {
        "code": "hotel-hilton-makkah",
        "name_en": "Makkah Hilton",
        "name_ar": "هيلتون مكة",
        "licence_number": "HTL-MAK-0001",
        "city": "makkah",
        "address": "Ibrahim Al-Khalil St",
        "beds": 800,
    }
    created = client.post("/api/v1/hotels/", body, format="json")
    assert created.status_code == 201, created.json()
    hotel_id = created.json()["id"]
    assert created.json()["status"] == "active"
    assert client.post("/api/v1/hotels/", body, format="json").status_code == 409
    bad = client.post("/api/v1/hotels/", {**body, "code": "x2", "beds": 0}, format="json")
    assert bad.status_code == 400 and "beds" in bad.json()["fields"]
    suspended = client.post(f"/api/v1/hotels/{hotel_id}/suspend/", {"reason": "Fire"})
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    again = client.post(f"/api/v1/hotels/{hotel_id}/suspend/", {"reason": "Fire"})
    assert again.status_code == 409 and again.json()["code"] == "provider_already_suspended"
    back = client.post(f"/api/v1/hotels/{hotel_id}/reinstate/", {"reason": "Inspected"})
    assert back.json()["status"] == "active"
    assert list(
        OutboxEvent.objects.filter(type__startswith="provider.").values_list("type", flat=True)
    ) == ["provider.registered", "provider.suspended", "provider.reinstated"]
    # A company reads the register (to plan packages) but cannot change it.
    reader = api(company_staff)
    assert reader.get("/api/v1/hotels/?city=makkah").json()["results"][0]["id"] == hotel_id
    assert reader.post(f"/api/v1/hotels/{hotel_id}/suspend/", {"reason": "x"}).status_code == 403
    assert Hotel.objects.get(pk=hotel_id).status == "active"


def test_the_train_is_one_operator_with_its_stations(api: Any, licensing_officer: Any):
    client = api(licensing_officer)
    created = client.post(
        "/api/v1/transport-operators/",
        {
            "code": "haramain",
            "name_en": "Haramain High Speed Railway",
            "name_ar": "قطار الحرمين السريع",
            "licence_number": "TRN-HHR",
            "mode": "train",
            "fleet_size": 35,
        },
        format="json",
    )
    assert created.status_code == 201
    operator_id = created.json()["id"]
    for code, city in (("MAK", "makkah"), ("MED", "madinah"), ("JED", "jeddah")):
        answer = client.post(
            f"/api/v1/transport-operators/{operator_id}/stations/",
            {"code": code, "city": city, "name": f"{city} station", "name_ar": "محطة"},
            format="json",
        )
        assert answer.status_code == 201
    detail = client.get(f"/api/v1/transport-operators/{operator_id}/").json()
    assert [s["code"] for s in detail["stations"]] == ["JED", "MAK", "MED"]
    assert TransportOperator.objects.get().mode == "train"


# --- Itinerary -------------------------------------------------------------------------


def test_the_agent_sets_the_itinerary_and_the_company_reads_it(
    api: Any, group: Any, agent_staff: Any, company_staff: Any, hotel: Any, operator: Any
):
    start = group.arrival_date
    url = f"/api/v1/groups/{group.pk}/itinerary/"
    body = {
        "stays": [
            {
                "hotel_id": hotel.pk,
                "check_in": start.isoformat(),
                "check_out": (start + dt.timedelta(days=8)).isoformat(),
                "guests": 45,
            }
        ],
        "legs": [
            {
                "operator_id": operator.pk,
                "from_city": "jeddah",
                "to_city": "makkah",
                "travel_date": start.isoformat(),
            }
        ],
    }
    answer = api(agent_staff).put(url, body, format="json")
    assert answer.status_code == 200, answer.json()
    read = api(company_staff).get(url).json()
    assert [(s["hotel_code"], s["nights"], s["guests"]) for s in read["stays"]] == [
        ("hotel-safwah", 8, 45)
    ]
    assert read["legs"][0]["operator_code"] == "coaches-one"
    assert read["return_flight"] == group.departure_flight
    full = api(agent_staff).put(
        url, {"stays": [{**body["stays"][0], "guests": 101}]}, format="json"
    )
    assert full.status_code == 409 and full.json()["code"] == "hotel_over_capacity"
    assert "stays.0.guests" in full.json()["fields"]
    assert api(company_staff).put(url, body, format="json").status_code == 403
    assert PlannedStay.objects.get().guests == 45


def test_another_agent_cannot_see_the_itinerary(api: Any, group: Any, other_agent_staff: Any):
    assert api(other_agent_staff).get(f"/api/v1/groups/{group.pk}/itinerary/").status_code == 404


# --- Stays -----------------------------------------------------------------------------


def test_a_property_system_posts_a_batch_and_reads_its_guests_only(
    api: Any, visa_for: Any, hotel_system: Any, other_hotel_clerk: Any, company_staff: Any, now: Any
):
    visa = visa_for()
    client = api(hotel_system)
    events = [
        {
            "client_event_id": "pms-1",
            "kind": "check_in",
            "occurred_at": _iso(now - dt.timedelta(hours=5)),
            "passport_number": visa.application.pilgrim.passport_number,
            "nationality": visa.application.pilgrim.nationality,
        },
        {
            "client_event_id": "pms-2",
            "kind": "check_in",
            "occurred_at": _iso(now),
            "passport_number": "ZZ9999999",
        },
    ]
    answer = client.post("/api/v1/stays/", {"events": events}, format="json")
    assert answer.status_code == 200, answer.json()
    results = answer.json()["results"]
    assert [(r["accepted"], r["code"], r["created"]) for r in results] == [
        (True, "", True),
        (False, "no_visa", False),
    ]
    assert results[0]["stay"]["city"] == "makkah"
    assert results[0]["application_number"] == visa.application.number
    replay = client.post("/api/v1/stays/", events[0], format="json").json()["results"][0]
    assert replay["created"] is False and replay["stay"]["id"] == results[0]["stay"]["id"]
    mine = client.get("/api/v1/stays/?open=true").json()["results"]
    assert [s["application_number"] for s in mine] == [visa.application.number]
    # Another hotel sees none of them; the pilgrim's company sees its pilgrim's stay.
    assert api(other_hotel_clerk).get("/api/v1/stays/").json()["results"] == []
    assert len(api(company_staff).get("/api/v1/stays/").json()["results"]) == 1
    # Nobody but a hotel records stays.
    refused = api(company_staff).post("/api/v1/stays/", events[0], format="json")
    assert refused.status_code == 403
    assert StayEvent.objects.count() == 1


def test_a_malformed_batch_is_a_400_with_indexed_fields(api: Any, hotel_system: Any, now: Any):
    answer = api(hotel_system).post(
        "/api/v1/stays/",
        {"events": [{"client_event_id": "a", "kind": "nap", "occurred_at": "yesterday"}]},
        format="json",
    )
    assert answer.status_code == 400
    assert {"events.0.kind", "events.0.occurred_at"} <= set(answer.json()["fields"])
    assert StayEvent.objects.count() == 0


# --- Trips and boardings ----------------------------------------------------------------


def test_an_operator_posts_a_trip_and_scans_boardings(
    api: Any,
    visa_for: Any,
    operator_clerk: Any,
    other_operator_clerk: Any,
    company_staff: Any,
    hotel_clerk: Any,
    now: Any,
):
    first, second = visa_for(), visa_for()
    client = api(operator_clerk)
    body = {
        "client_trip_id": "BUS-0042-1",
        "from_city": "makkah",
        "to_city": "madinah",
        "departure_at": _iso(now),
        "vehicle": "BUS-0042",
        "driver": "Saeed",
        "passengers": [{"visa_number": first.number}, {"passport_number": "ZZ9999999"}],
    }
    created = client.post("/api/v1/trips/", body, format="json")
    assert created.status_code == 201, created.json()
    trip_id = created.json()["trip"]["id"]
    assert [(p["accepted"], p["code"]) for p in created.json()["passengers"]] == [
        (True, ""),
        (False, "no_visa"),
    ]
    replay = client.post(
        "/api/v1/trips/",
        {**body, "passengers": [{"visa_number": second.number}]},
        format="json",
    )
    assert replay.status_code == 200 and replay.json()["created"] is False
    assert TripPassenger.objects.filter(trip_id=trip_id).count() == 2
    boarded_at = now - dt.timedelta(minutes=10)
    scans = client.post(
        f"/api/v1/trips/{trip_id}/boardings/",
        {
            "boardings": [
                {
                    "visa_number": first.number,
                    "boarded_at": _iso(boarded_at),
                    "client_event_id": "s1",
                },
                {"passport_number": "ZZ9999999"},
            ]
        },
        format="json",
    )
    assert scans.status_code == 200, scans.json()
    assert [(r["accepted"], r["created"], r["code"]) for r in scans.json()["results"]] == [
        (True, True, ""),
        (False, False, "no_visa"),
    ]
    again = client.post(
        f"/api/v1/trips/{trip_id}/boardings/",
        {"boardings": [{"visa_number": first.number}]},
        format="json",
    )
    assert again.json()["results"][0]["created"] is False
    passenger = TripPassenger.objects.get(application=first.application)
    assert passenger.boarded_at == boarded_at
    assert OutboxEvent.objects.filter(type="trip.boarded").count() == 1
    # Another operator neither reads nor scans the trip; the company reads its pilgrims'.
    other = api(other_operator_clerk)
    assert other.get(f"/api/v1/trips/{trip_id}/").status_code == 404
    assert (
        other.post(
            f"/api/v1/trips/{trip_id}/boardings/",
            {"boardings": [{"visa_number": first.number}]},
            format="json",
        ).status_code
        == 404
    )
    assert other.get("/api/v1/trips/").json()["results"] == []
    company_view = api(company_staff).get(f"/api/v1/trips/{trip_id}/").json()
    assert len(company_view["passengers"]) == 2
    assert api(hotel_clerk).get(f"/api/v1/trips/{trip_id}/").status_code == 404
    assert api(hotel_clerk).post("/api/v1/trips/", body, format="json").status_code == 403
    assert Trip.objects.count() == 1


def test_a_hotel_and_an_operator_change_nothing_of_others(
    api: Any, visa_for: Any, hotel_clerk: Any, other_hotel_clerk: Any, now: Any
):
    visa = visa_for()
    api(hotel_clerk).post(
        "/api/v1/stays/",
        {
            "client_event_id": "e-1",
            "kind": "check_in",
            "occurred_at": _iso(now),
            "visa_number": visa.number,
            "source": "desk",
        },
        format="json",
    )
    before = (StayEvent.objects.count(), HotelStay.objects.count(), AuditEntry.objects.count())
    # The same client event id from another hotel is that hotel's own event, not a replay.
    other = api(other_hotel_clerk).post(
        "/api/v1/stays/",
        {
            "client_event_id": "e-1",
            "kind": "check_out",
            "occurred_at": _iso(now),
            "visa_number": visa.number,
        },
        format="json",
    )
    assert other.json()["results"][0]["created"] is True
    assert HotelStay.objects.get().checked_out_at is None
    assert StayEvent.objects.count() == before[0] + 1


def test_a_batch_costs_the_same_queries_whatever_its_size(
    api: Any, visa_for: Any, hotel_system: Any, now: Any
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    visas = [visa_for() for _ in range(5)]
    client = api(hotel_system)

    def post(batch: list[Any]) -> tuple[int, int]:
        events = [
            {
                "client_event_id": f"q-{v.number}",
                "kind": "check_in",
                "occurred_at": _iso(now),
                "visa_number": v.number,
            }
            for v in batch
        ]
        with CaptureQueriesContext(connection) as fresh:
            client.post("/api/v1/stays/", {"events": events}, format="json")
        with CaptureQueriesContext(connection) as replay:
            body = client.post("/api/v1/stays/", {"events": events}, format="json").json()
        assert all(r["stay"] is not None for r in body["results"])
        return len(fresh), len(replay)

    client.get("/api/v1/stays/")  # the first request of a client does its own work once
    small = post(visas[:1])
    large = post(visas[1:])
    assert large == small
