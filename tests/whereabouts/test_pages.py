"""The whereabouts pages: the company's alerts and its answer form, the ministries' pages
(where is this pilgrim now, occupancy, whereabouts unknown), their exports, who may open
them, Arabic, and a constant number of queries whatever the rows shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from masar.whereabouts.models import WhereaboutsAlert
from masar.whereabouts.services import whereabouts_sweep

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def world(pilgrim_in: Any, check_in: Any, madinah_hotel: Any, now: dt.datetime) -> Any:
    """Two pilgrims never checked in (alerted), one checked in at the Madinah hotel."""
    missing = [pilgrim_in(hours_ago=30, now=now) for _ in range(2)]
    lodged = pilgrim_in(hours_ago=30, now=now)
    check_in(lodged, madinah_hotel, now - 20 * H)
    whereabouts_sweep(now=now)
    return {"missing": missing, "lodged": lodged}


def test_the_company_answers_an_alert_from_its_page(world: Any, company_staff: Any) -> None:
    client = client_for(company_staff)
    page = client.get("/whereabouts/")
    assert page.status_code == 200
    text = page.content.decode()
    for application in world["missing"]:
        assert application.number in text
    alert = WhereaboutsAlert.objects.filter(application=world["missing"][0]).get()
    assert f"/whereabouts/{alert.pk}/answer/" in text
    refused = client.post(f"/whereabouts/{alert.pk}/answer/", {"answer": "moved", "reason": ""})
    assert refused.status_code == 400
    assert "A reason is required when the pilgrim moved." in refused.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"
    done = client.post(f"/whereabouts/{alert.pk}/answer/", {"answer": "found"})
    assert (done.status_code, done["Location"]) == (302, "/whereabouts/")
    alert.refresh_from_db()
    assert (alert.status, alert.answer) == ("answered", "found")
    assert client.post(f"/whereabouts/{alert.pk}/answer/", {"answer": "found"}).status_code == 409


def test_other_organizations_cannot_see_or_answer(
    world: Any, other_company_staff: Any, agent_staff: Any, company_staff: Any
) -> None:
    alert = WhereaboutsAlert.objects.first()
    assert alert is not None
    other = client_for(other_company_staff)
    assert world["missing"][0].number not in other.get("/whereabouts/").content.decode()
    assert other.get(f"/whereabouts/{alert.pk}/answer/").status_code == 404
    agent = client_for(agent_staff)
    assert world["missing"][0].number in agent.get("/whereabouts/").content.decode()
    assert agent.get(f"/whereabouts/{alert.pk}/answer/").status_code == 403
    company = client_for(company_staff)
    assert company.get("/whereabouts/unknown/").status_code == 403
    assert company.get("/whereabouts/occupancy/").status_code == 403


def test_the_ministry_sees_who_is_unknown_by_company_and_nationality(
    world: Any, inspector: Any, company: Any
) -> None:
    page = client_for(inspector).get("/whereabouts/unknown/")
    assert page.status_code == 200
    counts = page.context["by_company"]
    assert [(c.key, c.count) for c in counts] == [(str(company.pk), 2)]
    nationalities = {c.key: c.count for c in page.context["by_nationality"]}
    assert sum(nationalities.values()) == 2
    assert [a.application_id for a in page.context["page"]] == sorted(
        (a.pk for a in world["missing"]), reverse=True
    )


def test_occupancy_counts_the_guests_against_the_beds(
    world: Any, moi_border: Any, madinah_hotel: Any
) -> None:
    page = client_for(moi_border).get("/whereabouts/occupancy/", {"city": "madinah"})
    assert page.status_code == 200
    [city] = page.context["cities"]
    [row] = [h for h in city.hotels if h.hotel.pk == madinah_hotel.pk]
    assert (row.guests, row.hotel.beds, row.free) == (1, 50, 49)
    assert (city.city, city.guests) == ("madinah", 1)
    export = client_for(moi_border).get("/whereabouts/occupancy/export.csv", {"city": "madinah"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == ["city", "hotel", "licence_number", "beds", "guests"]
    assert rows[1][:5] == ["madinah", "hotel-taiba", madinah_hotel.licence_number, "50", "1"]


def test_where_is_this_pilgrim_now_shows_the_last_event_and_its_source(
    world: Any, inspector: Any, madinah_hotel: Any, now: dt.datetime
) -> None:
    from masar.lodging.models import StayEvent

    lodged = world["lodged"]
    StayEvent.objects.create(
        hotel=madinah_hotel,
        application=lodged,
        pilgrim=lodged.pilgrim,
        kind="check_in",
        occurred_at=now - 20 * H,
        client_event_id="desk-7",
        source="desk",
    )
    page = client_for(inspector).get("/whereabouts/pilgrim/", {"q": lodged.number})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Check-in" in text and "Hotel front desk" in text and "Madinah" in text
    missing = client_for(inspector).get("/whereabouts/pilgrim/", {"q": world["missing"][0].number})
    assert "Entry at the border" in missing.content.decode()
    assert "Not checked in after entry" in missing.content.decode()
    assert client_for(inspector).get("/whereabouts/pilgrim/", {"q": "A00000000"}).status_code == 404


def test_alerts_export_as_csv_and_xlsx(world: Any, inspector: Any) -> None:
    client = client_for(inspector)
    response = client.get("/whereabouts/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["alert_id", "application_number", "surname"]
    assert sorted(r[1] for r in rows[1:]) == sorted(a.number for a in world["missing"])
    assert {r[8] for r in rows[1:]} == {"not_checked_in"}
    xlsx = client.get("/whereabouts/export.xlsx", HTTP_ACCEPT_LANGUAGE="ar")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][1] == "application_number"
    assert len(values) == 3
    assert client.get("/whereabouts/export.pdf").status_code == 404


def test_the_pages_speak_arabic(world: Any, inspector: Any, company_staff: Any) -> None:
    page = client_for(company_staff, "ar").get("/whereabouts/")
    text = page.content.decode()
    assert 'dir="rtl"' in text
    assert "تنبيهات أماكن وجود المعتمرين" in text
    assert "لم يسجل دخوله إلى الفندق بعد الوصول" in text
    unknown = client_for(inspector, "ar").get("/whereabouts/unknown/").content.decode()
    assert "أماكن وجود غير معروفة" in unknown


def test_the_lists_run_the_same_queries_whatever_the_rows(
    pilgrim_in: Any, inspector: Any, company_staff: Any, now: dt.datetime
) -> None:
    def queries(user: Any, url: str) -> int:
        client = client_for(user)
        client.get(url)  # warm the session and the caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    pilgrim_in(hours_ago=30, now=now)
    whereabouts_sweep(now=now)
    pages = [
        (company_staff, "/whereabouts/"),
        (inspector, "/whereabouts/"),
        (inspector, "/whereabouts/unknown/"),
        (inspector, "/whereabouts/occupancy/"),
    ]
    before = [queries(user, url) for user, url in pages]
    for _ in range(5):
        pilgrim_in(hours_ago=30, now=now)
    whereabouts_sweep(now=now)
    assert WhereaboutsAlert.objects.count() == 6
    assert [queries(user, url) for user, url in pages] == before


def test_the_homes_count_the_alerts_waiting(
    world: Any, company_staff: Any, inspector: Any, now: dt.datetime
) -> None:
    home = client_for(company_staff).get("/").content.decode()
    assert 'data-queue="whereabouts" data-count="2"' in home
    assert (
        'data-queue="whereabouts" data-count="0"' in client_for(inspector).get("/").content.decode()
    )
    whereabouts_sweep(now=now + 25 * H)
    assert (
        'data-queue="whereabouts" data-count="2"' in client_for(inspector).get("/").content.decode()
    )


def test_the_case_file_shows_the_alerts(world: Any, company_staff: Any) -> None:
    application = world["missing"][0]
    alert = WhereaboutsAlert.objects.get(application=application)
    page = client_for(company_staff).get(f"/applications/{application.pk}/").content.decode()
    assert f'data-alert="{alert.pk}"' in page
    assert "Not checked in after entry" in page
    lodged = client_for(company_staff).get(f"/applications/{world['lodged'].pk}/").content.decode()
    assert 'id="whereabouts-h"' not in lodged
