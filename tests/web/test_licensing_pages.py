from __future__ import annotations

import pytest
from django.test import Client

from masar.operators.models import Agent, Company, Contract
from masar.seasons.models import Quota

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


FORM = {
    "code": "zamzam",
    "name_en": "Zamzam Hospitality",
    "name_ar": "زمزم للضيافة",
    "licence_number": "UMR-500",
    "licence_valid_from": "2026-01-01",
    "licence_valid_until": "2028-12-31",
    "guarantee_amount": "2000000",
    "guarantee_valid_until": "2028-12-31",
}


def test_licensing_officer_licenses_a_company_from_the_form(licensing_officer):
    response = _client(licensing_officer).post("/companies/new/", FORM)
    company = Company.objects.get(licence_number="UMR-500")
    assert response.status_code == 302
    assert response["Location"] == f"/companies/{company.pk}/"


def test_service_errors_land_on_the_form_fields(licensing_officer):
    _client(licensing_officer).post("/companies/new/", FORM)
    response = _client(licensing_officer).post("/companies/new/", {**FORM, "code": "other"})
    assert response.status_code == 400
    assert response.context["form"].errors["licence_number"] == ["Already taken."]
    assert Company.objects.count() == 1


def test_the_forms_are_for_licensing_staff_only(company_staff, agent_staff):
    for user in (company_staff, agent_staff):
        client = _client(user)
        assert client.get("/companies/new/").status_code == 403
        assert client.post("/companies/new/", FORM).status_code == 403
        assert client.get("/contracts/new/").status_code == 403
    assert not Company.objects.filter(licence_number="UMR-500").exists()


def test_register_agent_and_contract_from_the_forms(licensing_officer, company):
    client = _client(licensing_officer)
    response = client.post(
        "/agents/new/",
        {
            "code": "dakar-voyages",
            "name_en": "Dakar Voyages",
            "name_ar": "داكار",
            "country": "SEN",
            "licence_number": "SN-1",
            "licence_valid_until": "2028-01-01",
        },
    )
    assert response.status_code == 302
    agent = Agent.objects.get(licence_number="SN-1")
    response = client.post(
        "/contracts/new/",
        {
            "company": company.pk,
            "agent": agent.pk,
            "countries": "sen, gmb",
            "valid_from": "2026-05-01",
            "valid_until": "2027-05-01",
        },
    )
    assert response.status_code == 302
    assert Contract.objects.get(agent=agent).countries == ["GMB", "SEN"]


def test_quota_form_on_the_season_page(licensing_officer, season, company, company_staff):
    client = _client(licensing_officer)
    code = company.organization.code
    client.post(
        f"/seasons/{season.pk}/quotas/", {"holder_type": "company", "holder": code, "limit": 500}
    )
    assert Quota.objects.get(company=company).limit == 500
    _client(company_staff).post(
        f"/seasons/{season.pk}/quotas/", {"holder_type": "company", "holder": code, "limit": 9}
    )
    assert Quota.objects.get(company=company).limit == 500
