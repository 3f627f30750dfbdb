from __future__ import annotations

import random

import pytest

from masar.applications.demo import demo_seed_step
from masar.applications.models import Application
from tests.applications.factories import quota
from tests.factories import (
    AgentFactory,
    CompanyFactory,
    ContractFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_demo_step_fills_every_state_reachable_so_far(season):
    company = CompanyFactory(organization=OrganizationFactory(kind="company", code="company1"))
    UserFactory(
        username="company1.staff", organization=company.organization, roles=["company_staff"]
    )
    quota(season=season, company=company, limit=10_000)
    for index, country in enumerate(["EGY", "TUR", "PAK"], start=1):
        agent = AgentFactory(
            country=country,
            organization=OrganizationFactory(kind="agent", code=f"agent{index}", country=country),
        )
        UserFactory(
            username=f"agent{index}.staff", organization=agent.organization, roles=["agent_staff"]
        )
        ContractFactory(
            company=company,
            agent=agent,
            countries=[country],
            valid_from=season.starts_on,
            valid_until=season.ends_on,
        )
        quota(season=season, agent=agent, limit=1000)
    report = demo_seed_step(rng=random.Random(1448), season=season, stdout=None)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "withdrawn", "screening"}
    assert report[0].startswith("groups: 3;")
    arabic = Application.objects.filter(pilgrim__nationality="EGY").first().pilgrim.native_name
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic)
