"""The lodging pages: the register of providers, the hotel's front desk (keyboard first,
as the border desk), the guests in the house, the operator's trips and boardings, a
group's itinerary; who may open them; and their queries do not grow with their rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masar.lodging.models import Hotel, HotelStay, PlannedStay, StayEvent, Trip, TripPassenger
from tests.factories import UserFactory
from tests.lodging.factories import HotelStayFactory, TripFactory

pytestmark = pytest.mark.django_db


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _nav(html: str) -> list[str]:
    nav = html[html.index('class="mainnav"') : html.index("</nav>", html.index('class="mainnav"'))]
    return re.findall(r'<a href="([^"]+)"', nav)


def _mrz(pilgrim: Any) -> str:
    return pilgrim.mrz.replace("\n", "")


# --- Register --------------------------------------------------------------------------


def test_the_licensing_officer_registers_and_suspends_a_hotel(licensing_officer: Any):
    client = signed_in(licensing_officer)
    answer = client.post(
        "/providers/hotels/new/",
        {
            "code": "hotel-dar-tawhid",
            "name_en": "Dar Al Tawhid",
            "name_ar": "دار التوحيد",
            "licence_number": "HTL-1",
            "city": "makkah",
            "address": "Ajyad",
            "beds": "400",
        },
    )
    hotel = Hotel.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/providers/hotels/{hotel.pk}/"
    listing = client.get("/providers/hotels/?city=makkah").content.decode()
    assert listing.count("data-hotel") == 1 and "Dar Al Tawhid" in listing
    client.post(f"/providers/hotels/{hotel.pk}/", {"action": "suspend", "reason": "Fire"})
    hotel.refresh_from_db()
    assert hotel.status == "suspended"
    page = client.get(f"/providers/hotels/{hotel.pk}/").content.decode()
    assert "Hotel suspended" in page and "hotel.suspended" not in page


def test_a_bad_registration_keeps_the_values_with_field_errors(licensing_officer: Any):
    answer = signed_in(licensing_officer).post(
        "/providers/transport/new/", {"code": "bus", "name_en": "Bus", "mode": "boat"}
    )
    assert answer.status_code == 400
    assert 'value="Bus"' in answer.content.decode()


def test_the_register_is_the_ministries(company_staff: Any, hotel_clerk: Any):
    for user in (company_staff, hotel_clerk):
        assert signed_in(user).get("/providers/hotels/").status_code == 403
        assert signed_in(user).get("/providers/hotels/new/").status_code == 403


def test_the_registry_menus(hotel_clerk: Any, operator_clerk: Any):
    assert _nav(signed_in(hotel_clerk).get("/").content.decode())[1:3] == [
        "/hotel/desk/",
        "/hotel/guests/",
    ]
    assert _nav(signed_in(operator_clerk).get("/").content.decode())[1] == "/transport/trips/"


# --- Front desk ------------------------------------------------------------------------


def test_the_clerk_checks_then_records_a_check_in(visa_for: Any, hotel: Any, hotel_clerk: Any):
    visa = visa_for()
    pilgrim = visa.application.pilgrim
    client = signed_in(hotel_clerk)
    desk = client.get("/hotel/desk/").content.decode()
    assert "autofocus" in desk and "Alt</kbd>+<kbd>I" in desk
    check = client.post(
        "/hotel/desk/check/",
        {"scan": _mrz(pilgrim), "kind": "check_in"},
        headers={"HX-Request": "true"},
    )
    html = check.content.decode()
    assert check.status_code == 200 and 'data-verdict="found"' in html
    assert pilgrim.full_name in html and "does not plan this hotel" in html
    assert StayEvent.objects.count() == 0  # the check writes nothing
    event_id = re.search(r'name="client_event_id" value="([0-9a-f]+)"', html).group(1)
    for _twice in range(2):
        recorded = client.post(
            "/hotel/desk/record/",
            {"scan": _mrz(pilgrim), "kind": "check_in", "client_event_id": event_id},
            headers={"HX-Request": "true"},
        ).content.decode()
    assert "data-replay" in recorded and "Check-in recorded" in recorded
    stay = HotelStay.objects.get()
    assert (stay.hotel_id, stay.source) == (hotel.pk, "desk")
    guests = client.get("/hotel/guests/").content.decode()
    assert guests.count("data-guest") == 1 and visa.application.number in guests


def test_the_desk_refuses_what_it_did_not_read(hotel_clerk: Any):
    client = signed_in(hotel_clerk)
    answer = client.post("/hotel/desk/check/", {"scan": "hello", "kind": "check_in"})
    assert answer.status_code == 400 and "data-not-read" in answer.content.decode()
    unknown = client.post("/hotel/desk/check/", {"scan": "IDN ZZ0000000", "kind": "check_in"})
    assert unknown.status_code == 400 and 'data-code="no_visa"' in unknown.content.decode()
    forged = client.post(
        "/hotel/desk/record/",
        {"scan": "hello", "kind": "check_in", "client_event_id": "abcdefgh12"},
    )
    assert forged.status_code == 400
    assert StayEvent.objects.count() == 0


def test_the_desk_is_the_hotels(company_staff: Any, operator_clerk: Any):
    for user in (company_staff, operator_clerk):
        assert signed_in(user).get("/hotel/desk/").status_code == 403
        assert signed_in(user).get("/hotel/guests/").status_code == 403


def test_the_desk_in_arabic(hotel_clerk: Any):
    html = signed_in(hotel_clerk, "ar").get("/hotel/desk/").content.decode()
    assert "مكتب الاستقبال" in html and "تسجيل الوصول" in html


def test_the_guest_list_runs_the_same_queries_whatever_its_rows(hotel: Any, hotel_clerk: Any):
    client = signed_in(hotel_clerk)

    def read() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/hotel/guests/").content.decode()
        return len(queries), html.count("data-guest")

    HotelStayFactory(hotel=hotel)
    read()  # the first request of a session does its own work once
    first, rows = read()
    for _ in range(4):
        HotelStayFactory(hotel=hotel)
    again, more = read()
    assert (rows, more) == (1, 5)
    assert again == first


# --- Trips -----------------------------------------------------------------------------


def test_the_operator_records_a_trip_and_scans_a_boarding(
    visa_for: Any, operator: Any, operator_clerk: Any
):
    visa = visa_for()
    client = signed_in(operator_clerk)
    answer = client.post(
        "/transport/trips/",
        {
            "client_trip_id": "BUS-7",
            "from_city": "jeddah",
            "to_city": "makkah",
            "departure_at": "2026-12-01T09:00",
            "vehicle": "BUS-7",
        },
    )
    trip = Trip.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/transport/trips/{trip.pk}/"
    refused = client.post(f"/transport/trips/{trip.pk}/", {"scan": _mrz(visa.application.pilgrim)})
    assert refused.status_code == 400 and 'data-code="not_on_trip"' in refused.content.decode()
    boarded = client.post(
        f"/transport/trips/{trip.pk}/",
        {"scan": _mrz(visa.application.pilgrim), "add_unlisted": "1"},
    )
    assert boarded.status_code == 200 and "Boarding recorded" in boarded.content.decode()
    assert TripPassenger.objects.get().boarded_at is not None


def test_another_operator_does_not_see_the_trip(operator_clerk: Any, other_operator_clerk: Any):
    trip = TripFactory(operator=operator_clerk.organization.transport_operator)
    assert signed_in(other_operator_clerk).get(f"/transport/trips/{trip.pk}/").status_code == 404
    listing = signed_in(other_operator_clerk).get("/transport/trips/").content.decode()
    assert "data-trip" not in listing


# --- Itinerary -------------------------------------------------------------------------


def test_the_agent_plans_the_itinerary_and_the_company_reads_it(
    group: Any, agent_staff: Any, company_staff: Any, hotel: Any
):
    start = group.arrival_date
    client = signed_in(agent_staff)
    url = f"/groups/{group.pk}/itinerary/"
    ok = client.post(
        url,
        {
            "action": "add_stay",
            "hotel_id": hotel.pk,
            "check_in": start.isoformat(),
            "check_out": (start + dt.timedelta(days=5)).isoformat(),
            "guests": "40",
        },
    )
    assert ok.status_code == 302
    full = client.post(
        url,
        {
            "action": "add_stay",
            "hotel_id": hotel.pk,
            "check_in": (start + dt.timedelta(days=5)).isoformat(),
            "check_out": (start + dt.timedelta(days=7)).isoformat(),
            "guests": "500",
        },
    )
    assert full.status_code == 400 and "beds free" in full.content.decode()
    assert list(PlannedStay.objects.values_list("guests", flat=True)) == [40]
    read = signed_in(company_staff).get(url).content.decode()
    assert read.count("data-planned-stay") == 1 and "Add the stay" not in read
    group_page = client.get(f"/groups/{group.pk}/").content.decode()
    assert "data-itinerary-link" in group_page


def test_a_company_cannot_change_the_itinerary(group: Any, company_staff: Any, hotel: Any):
    signed_in(company_staff).post(
        f"/groups/{group.pk}/itinerary/",
        {
            "action": "add_stay",
            "hotel_id": hotel.pk,
            "check_in": "2027-01-01",
            "check_out": "2027-01-05",
        },
    )
    assert not PlannedStay.objects.exists()
    outsider = UserFactory(roles=["agent_staff"])
    assert signed_in(outsider).get(f"/groups/{group.pk}/itinerary/").status_code == 404


def test_the_homes_count_what_waits(hotel: Any, hotel_clerk: Any, operator_clerk: Any):
    HotelStayFactory(hotel=hotel)
    left = dt.datetime.now(dt.UTC)
    HotelStayFactory(hotel=hotel, checked_in_at=left - dt.timedelta(days=1), checked_out_at=left)
    html = signed_in(hotel_clerk).get("/").content.decode()
    assert 'data-queue="guests" data-count="1"' in html
    operator = operator_clerk.organization.transport_operator
    trip = TripFactory(operator=operator)
    TripPassenger.objects.create(
        trip=trip,
        application=HotelStay.objects.first().application,
        pilgrim=HotelStay.objects.first().pilgrim,
        company=HotelStay.objects.first().company,
    )
    html = signed_in(operator_clerk).get("/").content.decode()
    assert 'data-queue="boardings" data-count="1"' in html
