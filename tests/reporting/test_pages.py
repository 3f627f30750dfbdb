"""Reporting pages: each dashboard in Arabic and English, exports of every table, the
refresh and baseline forms, weekly reports and the public open-data page."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from masar.reporting.models import DailyCount, PaperBaseline, WeeklyReport
from masar.reporting.services import indicators_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(recorded):
    indicators_refresh(season=recorded["season"])
    return recorded


def _get(client, user, url, language="en", **params):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize(
    ("who", "title_en", "title_ar"),
    [
        ("licensing_officer", "Season dashboard", "لوحة الموسم"),
        ("visa_officer", "Visa dashboard", "لوحة التأشيرات"),
        ("border_officer", "Ports and stays dashboard", "لوحة المنافذ والإقامة"),
        ("company_staff", "Company dashboard", "لوحة الشركة"),
    ],
)
def test_each_dashboard_renders_in_both_languages(
    client, request, refreshed, who, title_en, title_ar
):
    user = request.getfixturevalue(who)

    english = _get(client, user, "/reporting/", "en", season="umrah-test")
    arabic = _get(client, user, "/reporting/", "ar", season="umrah-test")

    assert english.status_code == 200
    assert title_en in english.content.decode()
    assert 'id="chartdata-daily"' in english.content.decode()
    assert arabic.status_code == 200
    assert 'dir="rtl"' in arabic.content.decode()
    assert title_ar in arabic.content.decode()


def test_agents_are_refused_the_dashboard(client, agent_staff, refreshed):
    assert _get(client, agent_staff, "/reporting/").status_code == 403


def test_every_table_exports_as_csv_and_xlsx(client, licensing_officer, refreshed):
    page = _get(client, licensing_officer, "/reporting/", season="umrah-test").content.decode()
    for table in [
        "daily",
        "times",
        "reviews",
        "port_type",
        "port",
        "city",
        "nationality",
        "company",
        "agent",
    ]:
        assert f"/reporting/export/{table}.csv?season=umrah-test" in page
        csv_response = _get(
            client, licensing_officer, f"/reporting/export/{table}.csv", season="umrah-test"
        )
        xlsx_response = _get(
            client, licensing_officer, f"/reporting/export/{table}.xlsx", season="umrah-test"
        )
        assert csv_response.status_code == 200
        assert xlsx_response.status_code == 200
        rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
        sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
        assert len(rows) == sheet.max_row


def test_the_port_type_export_has_exact_values(client, licensing_officer, refreshed):
    response = _get(
        client, licensing_officer, "/reporting/export/port_type.csv", season="umrah-test"
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Port type", "Entries", "Exits"],
        ["Airport", "2", "1"],
        ["Land port", "1", "0"],
    ]


def test_a_company_export_holds_only_its_own_rows(client, company_staff, refreshed):
    response = _get(client, company_staff, "/reporting/export/nationality.csv", season="umrah-test")
    other = _get(client, company_staff, "/reporting/export/company.csv", season="umrah-test")

    names = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:]
    assert names == ["IDN", "PAK"]
    assert other.status_code == 404


def test_the_ministry_recomputes_from_the_page(client, licensing_officer, recorded):
    client.force_login(licensing_officer)

    response = client.post("/reporting/refresh/", {"season": "umrah-test"})

    assert response.status_code == 302
    assert DailyCount.objects.exists()


def test_a_company_cannot_recompute_from_the_page(client, company_staff, recorded):
    client.force_login(company_staff)

    response = client.post("/reporting/refresh/", {"season": "umrah-test"})

    assert response.status_code == 403
    assert not DailyCount.objects.exists()


def test_the_baseline_form(client, licensing_officer, ministry_analyst, refreshed):
    page = _get(client, licensing_officer, "/reporting/", season="umrah-test").content.decode()
    assert 'name="days_end_to_end"' in page
    assert (
        'name="days_end_to_end"'
        not in _get(client, ministry_analyst, "/reporting/", season="umrah-test").content.decode()
    )

    client.force_login(ministry_analyst)
    denied = client.post(
        "/reporting/baseline/",
        {
            "season": "umrah-test",
            "days_end_to_end": "3",
            "staff_minutes_per_application": "9",
            "staff_minutes_per_manual_decision": "1",
        },
    )
    client.force_login(licensing_officer)
    saved = client.post(
        "/reporting/baseline/",
        {
            "season": "umrah-test",
            "days_end_to_end": "20",
            "staff_minutes_per_application": "30",
            "staff_minutes_per_manual_decision": "4",
        },
    )

    assert denied.status_code == 403
    assert saved.status_code == 302
    baseline = PaperBaseline.objects.get(season=refreshed["season"])
    assert (int(baseline.days_end_to_end), baseline.staff_minutes_per_application) == (20, 30)


def test_weekly_reports_page(client, licensing_officer, company_staff, recorded, media):
    client.force_login(licensing_officer)
    created = client.post("/reporting/weekly/", {"season": "umrah-test", "week": "5"})
    report = WeeklyReport.objects.get()
    listing = client.get("/reporting/weekly/")
    pdf = client.get(f"/reporting/weekly/{report.pk}.pdf")
    client.force_login(company_staff)
    denied = client.get(f"/reporting/weekly/{report.pk}.pdf")

    assert created.status_code == 302
    assert f"/reporting/weekly/{report.pk}.pdf" in listing.content.decode()
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert denied.status_code == 403


def test_the_open_data_page_is_public_and_documents_its_fields(client, refreshed, settings):
    settings.MASAR_OPEN_DATA_MIN_CELL = 2
    response = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en")

    text = response.content.decode()
    assert response.status_code == 200
    assert "visas_issued" in text and "port_type" in text and "suppressed" in text
    assert "withheld" in text  # EGY's single visa, PAK's none, IDN's 2


def test_a_bad_filter_returns_to_the_dashboard_with_a_message(client, licensing_officer, refreshed):
    response = _get(client, licensing_officer, "/reporting/", season="umrah-test", since="soon")

    assert response.status_code == 302
    assert response["Location"] == "/reporting/"


def test_unknown_tables_and_formats_are_404(client, licensing_officer, refreshed):
    assert _get(client, licensing_officer, "/reporting/export/people.csv").status_code == 404
    assert _get(client, licensing_officer, "/reporting/export/daily.pdf").status_code == 404
    assert _get(client, licensing_officer, "/reporting/", season="nope").status_code == 404
