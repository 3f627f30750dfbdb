from __future__ import annotations

import pytest

from masar.core.models import AuditEntry
from masar.operators.models import Company, CompanyStatus, Contract, ContractStatus
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

COMPANY = {
    "code": "noor-makkah",
    "name_en": "Noor Makkah",
    "name_ar": "نور مكة",
    "licence_number": "UMR-77",
    "licence_valid_from": "2026-01-01",
    "licence_valid_until": "2028-12-31",
    "guarantee_amount": "2000000.00",
    "guarantee_valid_until": "2028-12-31",
}


def test_licensing_officer_licenses_a_company(api, licensing_officer):
    response = api(licensing_officer).post("/api/v1/companies/", COMPANY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["licence_number"] == "UMR-77"
    assert body["status"] == "active"
    assert body["name_ar"] == "نور مكة"


def test_bad_company_input_gets_field_errors_and_creates_nothing(api, licensing_officer):
    bad = {**COMPANY, "licence_valid_until": "not a date", "guarantee_amount": "-1"}
    response = api(licensing_officer).post("/api/v1/companies/", bad, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["fields"]) == {"licence_valid_until"}
    assert not Company.objects.exists()


def test_company_staff_may_not_license(api, company_staff):
    response = api(company_staff).post("/api/v1/companies/", COMPANY, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert not Company.objects.filter(licence_number="UMR-77").exists()


def test_anonymous_gets_401_in_the_error_shape(api):
    response = api(None).get("/api/v1/companies/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "message", "fields"}


def test_a_company_sees_only_itself(api, company_staff, company, other_company):
    listed = api(company_staff).get("/api/v1/companies/").json()
    assert [c["id"] for c in listed["results"]] == [company.pk]
    assert api(company_staff).get(f"/api/v1/companies/{other_company.pk}/").status_code == 404


def test_an_agent_sees_its_contracted_companies_only(
    api, agent_staff, company, other_company, contract
):
    listed = api(agent_staff).get("/api/v1/companies/").json()
    assert [c["id"] for c in listed["results"]] == [company.pk]
    assert api(agent_staff).get(f"/api/v1/companies/{other_company.pk}/").status_code == 404


def test_a_company_sees_its_agents_and_contracts_only(
    api, company_staff, agent, other_agent, contract
):
    ContractFactory(agent=other_agent)  # another company's contract
    agents = api(company_staff).get("/api/v1/agents/").json()["results"]
    assert [a["id"] for a in agents] == [agent.pk]
    assert api(company_staff).get(f"/api/v1/agents/{other_agent.pk}/").status_code == 404
    contracts = api(company_staff).get("/api/v1/contracts/").json()["results"]
    assert [c["id"] for c in contracts] == [contract.pk]


def test_other_organizations_cannot_suspend_and_nothing_changes(
    api, company_staff, other_company_staff, agent_staff, visa_officer, company
):
    before = AuditEntry.objects.count()
    for actor, expected in (
        (other_company_staff, 403),  # no role: refused before the lookup
        (company_staff, 403),
        (agent_staff, 403),
        (visa_officer, 403),
    ):
        response = api(actor).post(
            f"/api/v1/companies/{company.pk}/suspend/", {"reason": "x"}, format="json"
        )
        assert response.status_code == expected
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE
    assert AuditEntry.objects.count() == before


def test_suspend_and_reinstate_through_the_api(api, licensing_officer, company):
    client = api(licensing_officer)
    response = client.post(
        f"/api/v1/companies/{company.pk}/suspend/",
        {"reason": "overstay rate above 1%", "until": "2027-01-01"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    assert response.json()["suspended_until"] == "2027-01-01"
    again = client.post(f"/api/v1/companies/{company.pk}/suspend/", {"reason": "x"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "company_already_suspended"
    response = client.post(
        f"/api/v1/companies/{company.pk}/reinstate/", {"reason": "cured"}, format="json"
    )
    assert response.json()["status"] == "active"


def test_register_and_terminate_a_contract(api, licensing_officer, company, agent):
    client = api(licensing_officer)
    response = client.post(
        "/api/v1/contracts/",
        {
            "company_id": company.pk,
            "agent_id": agent.pk,
            "countries": ["idn"],
            "valid_from": "2026-05-01",
            "valid_until": "2027-05-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["countries"] == ["IDN"]
    contract_id = response.json()["id"]
    response = client.post(
        f"/api/v1/contracts/{contract_id}/terminate/", {"reason": "agent request"}, format="json"
    )
    assert response.json()["status"] == "terminated"


def test_other_organizations_cannot_read_or_terminate_a_contract(
    api, other_company_staff, other_agent_staff, contract
):
    for actor in (other_company_staff, other_agent_staff):
        assert api(actor).get(f"/api/v1/contracts/{contract.pk}/").status_code == 404
        response = api(actor).post(
            f"/api/v1/contracts/{contract.pk}/terminate/", {"reason": "x"}, format="json"
        )
        assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert Contract.objects.count() == 1


def test_agents_register_with_iso_country(api, licensing_officer):
    response = api(licensing_officer).post(
        "/api/v1/agents/",
        {
            "code": "kano-travel",
            "name_en": "Kano Travel",
            "name_ar": "كانو",
            "country": "NGX",
            "licence_number": "NG-1",
            "licence_valid_until": "2028-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_country"
    assert response.json()["fields"] == {"country": ["Unknown: NGX"]}
