from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from masar.operators.models import CompanyStatus
from masar.seasons.services import quota_set
from tests.factories import SeasonFactory

pytestmark = pytest.mark.django_db


def _client(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_login_page_is_arabic_and_rtl_by_default(client):
    html = client.get("/login/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_pages_need_a_sign_in(client):
    for url in ("/", "/companies/", "/agents/", "/seasons/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_company_home_shows_its_licence_contracts_and_quota(
    company_staff, company, contract, licensing_officer, season
):
    quota_set(actor=licensing_officer, season=season, company=company, limit=1234)
    html = _client(company_staff).get("/").content.decode()
    assert company.licence_number in html
    assert contract.agent.organization.name_en in html
    assert "1,234" in html
    assert "Current season" in html


def test_agent_home_shows_its_contracts(agent_staff, agent, contract, season):
    html = _client(agent_staff).get("/").content.decode()
    assert agent.licence_number in html
    assert contract.company.organization.name_en in html


def test_ministry_home_counts_operators(licensing_officer, company, other_company, season):
    other_company.status = CompanyStatus.SUSPENDED
    other_company.status_reason = "overstays"
    other_company.save()
    html = _client(licensing_officer).get("/").content.decode()
    assert "Companies needing attention" in html
    assert other_company.organization.name_en in html


def test_company_list_is_scoped_and_filters_with_htmx(
    company_staff, company, other_company, licensing_officer
):
    html = _client(company_staff).get("/companies/").content.decode()
    assert company.organization.name_en in html
    assert other_company.organization.name_en not in html
    partial = _client(licensing_officer).get(
        "/companies/", {"q": other_company.organization.name_en}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert "<html" not in body
    assert other_company.organization.name_en in body
    assert company.organization.name_en not in body


def test_other_company_detail_is_404(company_staff, other_company):
    assert _client(company_staff).get(f"/companies/{other_company.pk}/").status_code == 404


def test_licensing_officer_suspends_from_the_page(licensing_officer, company):
    client = _client(licensing_officer)
    response = client.post(
        f"/companies/{company.pk}/", {"action": "suspend", "reason": "quota fraud"}
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.status == CompanyStatus.SUSPENDED
    page = client.get(f"/companies/{company.pk}/").content.decode()
    # The history reads the action's label, never its code.
    assert "Company suspended" in page and "company.suspended" not in page
    assert "quota fraud" in page


def test_company_staff_cannot_suspend_through_the_page(company_staff, company):
    _client(company_staff).post(f"/companies/{company.pk}/", {"action": "suspend", "reason": "x"})
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE


def test_season_page_shows_hijri_and_gregorian(licensing_officer):
    # A fixed date (the factory's calendar moves with the clock): 1 Shawwal 1448 AH.
    season = SeasonFactory(last_visa_date=dt.date(2027, 3, 9))
    html = _client(licensing_officer, "ar").get(f"/seasons/{season.pk}/").content.decode()
    assert "شوال 1448 هـ" in html
    assert "2027-03-09" in html


def test_audit_page_for_a_company_shows_only_its_entries(
    company_staff, licensing_officer, company, other_company
):
    from masar.operators.services import company_suspend

    company_suspend(actor=licensing_officer, company=other_company, reason="other's business")
    html = _client(company_staff).get("/audit/").content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Company suspended" not in rows
    # The ministry reads the same entry, by its label.
    ministry = _client(licensing_officer).get("/audit/").content.decode()
    assert "Company suspended" in ministry.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
