"""`OPTIONS` on every API operation answers without touching data and never fails."""

from __future__ import annotations

import re
from typing import Any

import pytest

from masar.accounts.roles import Role
from masar.core.api.contract import schema_generate
from tests.factories import UserFactory


def _paths() -> list[str]:
    paths = schema_generate()["paths"]
    return sorted(re.sub(r"\{[^}]+\}", "0", path) for path in paths)


@pytest.fixture
def everyone(mohu: Any) -> Any:
    return UserFactory(organization=mohu, roles=[role.value for role in Role])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "everyone", "agent_staff"])
def test_options_names_the_methods_on_every_operation(api, who, request):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = api(user)
    failures = []
    for path in _paths():
        response = client.options(path)
        if response.status_code >= 500:
            failures.append((path, response.status_code))
        elif response.status_code == 200:
            body = response.json()
            assert "OPTIONS" in body["allowed_methods"], path
            assert body["schema"] == "/api/v1/schema/", path
            assert "actions" not in body, path
    assert failures == []


@pytest.mark.django_db
def test_options_on_an_itinerary_the_caller_cannot_read_is_not_a_lookup(api, agent_staff):
    response = api(agent_staff).options("/api/v1/groups/999999/itinerary/")
    assert response.status_code == 200
    assert set(response.json()["allowed_methods"]) >= {"GET", "PUT", "OPTIONS"}
