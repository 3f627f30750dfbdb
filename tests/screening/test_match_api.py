"""`POST /api/v1/screening/match/`: one person screened for another agency's system."""

from __future__ import annotations

import pytest

from masar.accounts.services import token_create
from masar.core.models import AuditEntry
from tests.factories import UserFactory
from tests.screening.factories import make_watchlist
from tests.screening.test_screening_task import OTHERS, SITI

pytestmark = pytest.mark.django_db

URL = "/api/v1/screening/match/"


@pytest.fixture
def lists():
    return make_watchlist([SITI, *OTHERS]), make_watchlist(
        [{"id": "R-9", "name": "Siti Noor Rahmann", "birth_date": "1985"}], name="interpol"
    )


def test_a_ministry_service_account_screens_a_person_with_a_token(api, mofa_service, lists):
    from rest_framework.test import APIClient

    _token, secret = token_create(actor=None, user=mofa_service, name="mofa system")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.post(
        URL,
        {"name": "سيتي نور رحمن", "birth_date": "1985-03-14", "nationality": "ID"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert [(h["list_name"], h["entry_id"]) for h in data["hits"]][:1] == [("moi-wanted", "MOI-1")]
    best = data["hits"][0]
    assert best["score"] == 100.0
    assert best["matched_alias"] == "سيتي نور رحمن"
    assert best["explanation"]["nationality"]["reason"] == "same nationality"
    assert {item["name"] for item in data["lists"]} == {"moi-wanted", "interpol"}
    entry = AuditEntry.objects.get(action="screening.match")
    assert (entry.actor_id, entry.details["hits"], entry.details["nationality"]) == (
        mofa_service.pk,
        len(data["hits"]),
        "IDN",
    )


def test_threshold_and_lists_narrow_the_answer(api, security_analyst, lists):
    moi_list, interpol = lists
    client = api(security_analyst)
    only = client.post(
        URL,
        {"name": "Siti Nur Rahman", "birth_date": "1985", "lists": [interpol.pk]},
        format="json",
    ).json()
    assert [h["list_name"] for h in only["hits"]] == ["interpol"]
    assert [item["id"] for item in only["lists"]] == [interpol.pk]
    strict = client.post(
        URL, {"name": "Siti Rahman", "birth_date": "1985-03-14", "threshold": 95}, format="json"
    ).json()
    loose = client.post(
        URL, {"name": "Siti Rahman", "birth_date": "1985-03-14"}, format="json"
    ).json()
    assert sorted(h["entry_id"] for h in loose["hits"]) == ["MOI-1", "R-9"]
    assert [h["entry_id"] for h in strict["hits"]] == ["MOI-1"]
    assert strict["hits"][0]["score"] >= 95


def test_a_different_person_with_a_common_name_is_not_a_hit(api, security_analyst, lists):
    response = api(security_analyst).post(
        URL,
        {"name": "Mohamed Ahmed Ali", "birth_date": "1994-07-09", "nationality": "EGY"},
        format="json",
    )
    assert response.json()["hits"] == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["name"]),
        ({"name": "Ali", "birth_date": "12/03/1980"}, ["birth_date"]),
        ({"name": "Ali", "nationality": "X1"}, ["nationality"]),
        ({"name": "Ali", "threshold": 10, "limit": 0}, ["threshold", "limit"]),
    ],
)
def test_bad_queries_get_field_errors(api, security_analyst, body, fields):
    response = api(security_analyst).post(URL, body, format="json")
    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == sorted(fields)
    assert not AuditEntry.objects.filter(action="screening.match").exists()


@pytest.mark.parametrize(
    ("kind", "roles", "allowed"),
    [
        ("moi", ["integration"], True),
        ("mohu", ["integration"], True),
        ("mofa", ["integration"], True),
        ("moi", ["security_analyst"], True),
        ("moi", ["supervisor"], True),
        ("moi", ["border_officer"], False),
        ("mohu", ["analyst"], False),
        ("mofa", ["visa_officer"], False),
        ("company", ["integration"], False),
        ("agent", ["integration"], False),
        ("company", ["company_staff"], False),
    ],
)
def test_who_may_match(api, lists, kind, roles, allowed):
    from tests.factories import OrganizationFactory

    user = UserFactory(organization=OrganizationFactory(kind=kind, code=f"{kind}-x"), roles=roles)
    response = api(user).post(URL, {"name": "Siti Nur Rahman"}, format="json")
    if allowed:
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json()["code"]) == (403, "screening_not_allowed")
        assert not AuditEntry.objects.filter(action="screening.match").exists()
