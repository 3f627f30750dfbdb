"""The reporting API: each dashboard scoped to its organization, the refresh and the
baseline for the ministry only, weekly reports for the ministries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from masar.reporting.models import DailyCount, IndicatorRefresh, PaperBaseline, WeeklyReport
from masar.reporting.services import indicators_refresh
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/api/v1/reporting/dashboard/"


@pytest.fixture
def refreshed(recorded):
    indicators_refresh(season=recorded["season"])
    return recorded


def _kpis(body):
    return {k["id"]: k["value"] for k in body["kpis"]}


def _table(body, table_id):
    return next(t for t in body["tables"] if t["id"] == table_id)


def test_the_ministry_of_hajj_sees_everything(api, licensing_officer, refreshed):
    body = api(licensing_officer).get(DASHBOARD, {"season": "umrah-test"}).json()

    assert body["kind"] == "mohu"
    assert _kpis(body) == {
        "submitted": 4,
        "decided": 4,
        "automatic": 3,
        "issued": 3,
        "entries": 3,
        "exits": 1,
        "in_country": 2,
        "overstays": 1,
    }
    assert [t["id"] for t in body["tables"]] == [
        "daily", "times", "reviews", "port_type", "port", "city", "nationality", "company", "agent",
    ]  # fmt: skip
    assert body["time_saved"]["issued"] == 3
    assert body["time_saved"]["staff_hours_saved"] == pytest.approx(3 * 45 / 60 - 10 / 60, abs=0.1)
    assert [(r["key"], r["entries"]) for r in _table(body, "port_type")["rows"]] == [
        ("air", 2),
        ("land", 1),
    ]


def test_the_foreign_ministry_sees_applications_and_decisions(api, visa_officer, refreshed):
    body = api(visa_officer).get(DASHBOARD, {"season": "umrah-test"}).json()

    assert body["kind"] == "mofa"
    assert set(_kpis(body)) == {"submitted", "decided", "automatic", "issued"}
    assert [t["id"] for t in body["tables"]] == ["daily", "times", "nationality", "company"]


def test_the_interior_ministry_sees_ports_stays_and_the_review_queue(
    api, border_officer, refreshed
):
    body = api(border_officer).get(DASHBOARD, {"season": "umrah-test"}).json()

    assert body["kind"] == "moi"
    assert _kpis(body) == {"entries": 3, "exits": 1, "in_country": 2, "overstays": 1}
    assert [t["id"] for t in body["tables"]] == [
        "daily", "reviews", "port_type", "port", "city", "nationality", "company",
    ]  # fmt: skip


def test_a_company_sees_only_its_own_figures(api, company_staff, company, refreshed):
    body = api(company_staff).get(DASHBOARD, {"season": "umrah-test"}).json()

    assert body["kind"] == "company"
    assert body["company_id"] == company.pk
    assert _kpis(body)["submitted"] == 3
    assert _kpis(body)["entries"] == 2
    assert {r["key"] for r in _table(body, "nationality")["rows"]} == {"IDN", "PAK"}
    assert "company" not in [t["id"] for t in body["tables"]]
    assert "reviews" not in [t["id"] for t in body["tables"]]


def test_a_company_asking_for_another_company_gets_a_404(
    api, company_staff, other_company, refreshed
):
    response = api(company_staff).get(
        DASHBOARD, {"season": "umrah-test", "company": other_company.pk}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "reporting_company_not_found"


def test_a_ministry_may_look_at_one_company(api, licensing_officer, other_company, refreshed):
    body = (
        api(licensing_officer)
        .get(DASHBOARD, {"season": "umrah-test", "company": other_company.pk})
        .json()
    )

    assert body["company_id"] == other_company.pk
    assert _kpis(body)["submitted"] == 1


def test_agents_have_no_dashboard(api, agent_staff, refreshed):
    response = api(agent_staff).get(DASHBOARD, {"season": "umrah-test"})

    assert response.status_code == 403
    assert response.json()["code"] == "reporting_not_allowed"


def test_filters_are_checked(api, licensing_officer, refreshed):
    bad_date = api(licensing_officer).get(DASHBOARD, {"season": "umrah-test", "since": "1-2-3"})
    reversed_days = api(licensing_officer).get(
        DASHBOARD, {"season": "umrah-test", "since": "2026-03-05", "until": "2026-03-01"}
    )
    unknown = api(licensing_officer).get(DASHBOARD, {"season": "nope"})

    assert bad_date.status_code == 400
    assert bad_date.json()["fields"] == {"since": ["Dates are written YYYY-MM-DD."]}
    assert reversed_days.status_code == 400
    assert unknown.status_code == 404


def test_a_date_window_limits_the_counts(api, licensing_officer, refreshed):
    body = (
        api(licensing_officer)
        .get(DASHBOARD, {"season": "umrah-test", "since": "2026-03-02", "until": "2026-03-03"})
        .json()
    )

    assert _kpis(body)["submitted"] == 0
    assert _kpis(body)["issued"] == 3
    assert _kpis(body)["in_country"] == 3


def test_the_ministry_recomputes_on_demand(api, ministry_analyst, recorded):
    response = api(ministry_analyst).post(
        "/api/v1/reporting/refresh/", {"season": "umrah-test"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["count_rows"] == DailyCount.objects.count()
    assert IndicatorRefresh.objects.get(season=recorded["season"]).refreshed_at is not None


def test_a_company_may_not_recompute(api, company_staff, recorded):
    response = api(company_staff).post(
        "/api/v1/reporting/refresh/", {"season": "umrah-test"}, format="json"
    )

    assert response.status_code == 403
    assert not DailyCount.objects.exists()
    assert not IndicatorRefresh.objects.exists()


def test_licensing_staff_set_the_paper_baseline(api, licensing_officer, recorded):
    url = "/api/v1/reporting/baselines/umrah-test/"
    response = api(licensing_officer).put(
        url,
        {
            "days_end_to_end": "21.0",
            "staff_minutes_per_application": 60,
            "staff_minutes_per_manual_decision": 5,
        },
        format="json",
    )

    assert response.status_code == 200
    baseline = PaperBaseline.objects.get(season=recorded["season"])
    assert (baseline.days_end_to_end, baseline.staff_minutes_per_application) == (
        Decimal("21.0"),
        60,
    )
    assert api(licensing_officer).get(url).json()["staff_minutes_per_manual_decision"] == 5


@pytest.mark.parametrize("who", ["ministry_analyst", "company_staff", "visa_officer"])
def test_others_may_not_change_the_baseline(api, who, request, recorded):
    actor = request.getfixturevalue(who)
    response = api(actor).put(
        "/api/v1/reporting/baselines/umrah-test/",
        {
            "days_end_to_end": "1.0",
            "staff_minutes_per_application": 1,
            "staff_minutes_per_manual_decision": 1,
        },
        format="json",
    )

    assert response.status_code == 403
    assert not PaperBaseline.objects.filter(days_end_to_end=Decimal("1.0")).exists()


def test_an_invalid_baseline_is_refused_with_its_fields(api, licensing_officer, recorded):
    response = api(licensing_officer).put(
        "/api/v1/reporting/baselines/umrah-test/",
        {
            "days_end_to_end": "0",
            "staff_minutes_per_application": 0,
            "staff_minutes_per_manual_decision": 5,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "reporting_invalid_baseline"
    assert set(response.json()["fields"]) == {"days_end_to_end", "staff_minutes_per_application"}
    assert not PaperBaseline.objects.exclude(days_end_to_end=Decimal("14")).exists()


def test_weekly_reports_for_the_ministries_only(
    api, licensing_officer, company_staff, recorded, media
):
    denied = api(company_staff).post(
        "/api/v1/reporting/weekly/", {"season": "umrah-test", "week": 5}, format="json"
    )
    assert denied.status_code == 403
    assert not WeeklyReport.objects.exists()

    created = api(licensing_officer).post(
        "/api/v1/reporting/weekly/", {"season": "umrah-test", "week": 5}, format="json"
    )
    assert created.status_code == 201
    report_id = created.json()["id"]
    assert created.json()["starts_on"] == "2026-02-27"
    pdf = api(licensing_officer).get(f"/api/v1/reporting/weekly/{report_id}/pdf/")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert api(company_staff).get(f"/api/v1/reporting/weekly/{report_id}/pdf/").status_code == 403
    listed = api(licensing_officer).get("/api/v1/reporting/weekly/").json()
    assert [r["week"] for r in listed] == [5]


def test_a_week_outside_the_season_is_refused(api, licensing_officer, recorded, media):
    response = api(licensing_officer).post(
        "/api/v1/reporting/weekly/", {"season": "umrah-test", "week": 99}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "reporting_week_out_of_season"
    assert not WeeklyReport.objects.exists()


def test_an_inactive_user_has_no_dashboard(api, company, refreshed):
    user = UserFactory(organization=company.organization, roles=["company_staff"])
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert api(user).get(DASHBOARD).status_code in (401, 403)
