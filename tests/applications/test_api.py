"""The applications API: shapes, roles, every failure returned, idempotent submission."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from masar.applications.models import Application, Group
from masar.applications.states import ApplicationStatus
from masar.core.dates import riyadh_today
from masar.integration.models import OutboxEvent
from masar.seasons.models import Quota
from tests.applications.factories import as_text, pilgrim_values

pytestmark = pytest.mark.django_db


def test_agent_creates_a_group_with_its_package(api, agent_staff, season, company, contract):
    arrival = riyadh_today() + dt.timedelta(days=15)
    body = {
        "name": "Jakarta batch 12",
        "reference": "JKT-12",
        "season_id": season.pk,
        "company_id": company.pk,
        "package": {
            "hotel_contract_number": "HC-77",
            "makkah_nights": 7,
            "madinah_nights": 3,
            "ground_transport": "Coach",
            "arrival_flight": "GA980",
            "arrival_port": "jed",
            "arrival_date": arrival.isoformat(),
            "departure_flight": "GA981",
            "departure_port": "MED",
            "departure_date": (arrival + dt.timedelta(days=10)).isoformat(),
        },
    }
    response = api(agent_staff).post("/api/v1/groups/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["name"] == "Jakarta batch 12"
    assert data["package"]["arrival_port"] == "JED"
    assert data["package"]["makkah_nights"] == 7
    assert data["status_counts"] == {}
    assert OutboxEvent.objects.filter(type="group.created").count() == 1


def test_group_needs_a_contract_with_the_company(api, agent_staff, season, other_company):
    response = api(agent_staff).post(
        "/api/v1/groups/",
        {"name": "x", "season_id": season.pk, "company_id": other_company.pk},
        format="json",
    )
    # the agent has no contract with that company: it cannot even see it
    assert response.status_code == 404
    assert Group.objects.count() == 0


def test_group_with_bad_package_is_refused_field_by_field(
    api, agent_staff, season, company, contract
):
    response = api(agent_staff).post(
        "/api/v1/groups/",
        {
            "name": "x",
            "season_id": season.pk,
            "company_id": company.pk,
            "package": {
                "arrival_port": "JEDDAH",
                "arrival_date": "2026-12-10",
                "departure_date": "2026-12-01",
            },
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert "package.arrival_port" in body["fields"]
    response = api(agent_staff).post(
        "/api/v1/groups/",
        {
            "name": "x",
            "season_id": season.pk,
            "company_id": company.pk,
            "package": {"arrival_date": "2026-12-10", "departure_date": "2026-12-01"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_package"
    assert response.json()["fields"] == {
        "departure_date": ["The return flight is before the arrival."]
    }
    assert Group.objects.count() == 0


def test_create_application_from_mrz_only(api, agent_staff, group):
    values = pilgrim_values()
    body = {
        "group_id": group.pk,
        "mrz": values["mrz"],
        "passport_issue_date": values["passport_issue_date"].isoformat(),
        "native_name": "سيتي",
        "vaccine_type": "conjugate",
        "vaccine_date": values["vaccine_date"].isoformat(),
    }
    response = api(agent_staff).post("/api/v1/applications/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft"
    assert data["pilgrim"]["surname"] == "RAHMAN"
    assert data["pilgrim"]["given_names"] == "SITI NUR"
    assert data["pilgrim"]["passport_number"] == values["passport_number"]
    assert data["pilgrim"]["residence_country"] == "IDN"  # the agent's country by default
    assert data["pilgrim"]["mrz"] == values["mrz"].split("\n")


def test_invalid_pilgrim_gets_every_field_message(api, agent_staff, group):
    body = {
        "group_id": group.pk,
        "mrz": "P<IDNRAHMAN",
        "passport_issue_date": "10/05/2022",
        "sex": "Q",
        "nationality": "XYZ",
    }
    response = api(agent_staff).post("/api/v1/applications/", body, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_pilgrim"
    assert set(body["fields"]) >= {"passport_issue_date", "sex", "nationality", "birth_date"}
    assert Application.objects.count() == 0


def test_submit_failure_lists_every_rule_by_field(api, agent_staff, group):
    today = riyadh_today()
    values = pilgrim_values(
        birth_date=today - dt.timedelta(days=365 * 3),
        passport_expiry_date=today + dt.timedelta(days=40),
        vaccine_type="polysaccharide",
        vaccine_date=today - dt.timedelta(days=3 * 365 - 5),
    )
    client = api(agent_staff)
    created = client.post(
        "/api/v1/applications/", {"group_id": group.pk, **as_text(values)}, format="json"
    )
    assert created.status_code == 201, created.json()
    app_id = created.json()["id"]
    response = client.post(f"/api/v1/applications/{app_id}/submit/")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "not_eligible"
    assert body["message"] == "The application does not meet 3 eligibility rule(s)."
    fields = body["fields"]
    assert sorted(fields) == ["birth_date", "passport_expiry_date", "vaccine_date"]
    assert [f["code"] for f in fields["passport_expiry_date"]] == ["passport_validity"]
    assert fields["birth_date"] == [
        {
            "code": "minimum_age",
            "message": "The pilgrim will be 3 on arrival; the minimum age is 5.",
        }
    ]
    assert [f["code"] for f in fields["vaccine_date"]] == ["vaccination_validity"]
    assert "valid 3 years" in fields["vaccine_date"][0]["message"]
    assert Application.objects.get(pk=app_id).status == ApplicationStatus.DRAFT


def test_submit_twice_with_the_same_key_replays_the_first_answer(agent_staff, draft, quotas):
    # a signed-in session: the Idempotency-Key middleware keys answers by the caller
    client = APIClient()
    client.force_login(agent_staff)
    url = f"/api/v1/applications/{draft.pk}/submit/"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="submit-1")
    second = client.post(url, HTTP_IDEMPOTENCY_KEY="submit-1")
    assert first.status_code == 200
    assert second.status_code == 200
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Quota.objects.get(pk=quotas["agent"].pk).used == 1
    assert OutboxEvent.objects.filter(type="application.submitted").count() == 1
    # without the key the second submission is refused: it is no longer a draft
    third = client.post(url)
    assert third.status_code == 409
    assert third.json()["code"] == "invalid_transition"


def test_company_approves_and_returns(api, agent_staff, company_staff, make_draft):
    first, second = make_draft(), make_draft()
    agent_client, company_client = api(agent_staff), api(company_staff)
    for app in (first, second):
        assert agent_client.post(f"/api/v1/applications/{app.pk}/submit/").status_code == 200
    approved = company_client.post(f"/api/v1/applications/{first.pk}/approve/")
    assert approved.status_code == 200
    # The company sees the security screening only as a neutral review by the authorities.
    assert approved.json()["status"] == "under_review"
    assert approved.json()["timestamps"]["company_decided_at"] is not None
    no_reason = company_client.post(f"/api/v1/applications/{second.pk}/return/", {})
    assert no_reason.status_code == 400
    assert no_reason.json()["code"] == "reason_required"
    returned = company_client.post(
        f"/api/v1/applications/{second.pk}/return/", {"reason": "Hotel nights short"}
    )
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["status_reason"] == "Hotel nights short"
    detail = agent_client.get(f"/api/v1/applications/{second.pk}/").json()
    assert [h["name"] for h in detail["history"]] == ["submit", "return"]


def test_agent_cannot_approve_its_own(api, agent_staff, draft):
    client = api(agent_staff)
    client.post(f"/api/v1/applications/{draft.pk}/submit/")
    response = client.post(f"/api/v1/applications/{draft.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.SUBMITTED


def test_withdraw(api, agent_staff, draft):
    response = api(agent_staff).post(
        f"/api/v1/applications/{draft.pk}/withdraw/", {"reason": "ill"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["timestamps"]["withdrawn_at"] is not None


def test_bulk_group_submit_and_bulk_company_approve(
    api, agent_staff, company_staff, group, make_draft, quotas
):
    apps = [make_draft() for _ in range(3)]
    bad = make_draft(vaccine_date=None, vaccine_type="")
    response = api(agent_staff).post(f"/api/v1/groups/{group.pk}/submit/", {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert sorted(body["done"]) == sorted(a.pk for a in apps)
    assert list(body["refused"]) == [str(bad.pk)]
    assert body["refused"][str(bad.pk)][0]["code"] == "vaccination_present"
    assert Quota.objects.get(pk=quotas["company"].pk).used == 3
    response = api(company_staff).post(
        "/api/v1/applications/bulk-approve/",
        {"application_ids": [a.pk for a in apps] + [bad.pk, 999999]},
        format="json",
    )
    body = response.json()
    assert sorted(body["done"]) == sorted(a.pk for a in apps)
    assert (
        body["refused"][str(bad.pk)][0]["code"] == "application_not_found"
    )  # drafts are the agent's
    assert body["refused"]["999999"][0]["code"] == "application_not_found"
    assert set(
        Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("status", flat=True)
    ) == {"screening"}
    assert OutboxEvent.objects.filter(type="application.ready_for_screening").count() == 3


def test_rules_are_listed_with_codes(api, agent_staff):
    rules = api(agent_staff).get("/api/v1/applications/rules/").json()
    codes = [r["code"] for r in rules]
    assert codes[:2] == ["passport_mrz_valid", "passport_mrz_matches"]
    assert {"quota_company", "quota_agent", "company_standing", "vaccination_validity"} <= set(
        codes
    )


def test_every_endpoint_is_in_the_schema(api, agent_staff):
    schema = api(agent_staff).get("/api/v1/schema/?format=json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/groups/",
        "/api/v1/groups/{group_id}/",
        "/api/v1/groups/{group_id}/manifests/",
        "/api/v1/groups/{group_id}/submit/",
        "/api/v1/jobs/{job_id}/",
        "/api/v1/jobs/{job_id}/report.{kind}",
        "/api/v1/applications/",
        "/api/v1/applications/{application_id}/",
        "/api/v1/applications/{application_id}/submit/",
        "/api/v1/applications/{application_id}/approve/",
        "/api/v1/applications/{application_id}/return/",
        "/api/v1/applications/{application_id}/withdraw/",
    ):
        assert path in paths, path
