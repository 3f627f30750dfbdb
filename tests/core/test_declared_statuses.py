"""The check that every status the API answers is declared: it catches an undeclared one."""

from __future__ import annotations

import pytest

from tests import declared_statuses
from tests.factories import UserFactory


def test_an_answer_is_matched_to_its_operation(api, mohu):
    response = api(UserFactory(organization=mohu)).get("/api/v1/companies/999999/")
    assert response.status_code == 404
    assert declared_statuses.answered(response) == ("GET", "/api/v1/companies/{company_id}/", 404)
    assert declared_statuses.undeclared([declared_statuses.answered(response)]) == []


def test_an_undeclared_status_is_named():
    assert declared_statuses.undeclared(
        [("GET", "/api/v1/me/", 200), ("GET", "/api/v1/me/", 418), ("GET", "/nowhere/", 418)]
    ) == ["GET /api/v1/me/ answered 418, declared ['200', '401', '403', '429']"]


@pytest.mark.django_db
def test_an_anonymous_call_answers_401_and_it_is_declared(api):
    response = api(None).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "401" in declared_statuses.declared()[("GET", "/api/v1/me/")]
