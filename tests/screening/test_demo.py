"""The demo step: a watchlist, a ban, and the screening of the demo applications."""

from __future__ import annotations

import random
import time

import pytest

from masar.applications.demo import demo_seed_step as applications_step
from masar.applications.models import Application
from masar.screening.demo import demo_seed_step
from masar.screening.models import Ban, Review, Watchlist
from tests.applications.factories import quota
from tests.factories import (
    AgentFactory,
    CompanyFactory,
    ContractFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_demo_step_refers_a_handful_and_clears_the_rest(season, moi):
    UserFactory(username="moi.security", organization=moi, roles=["security_analyst"])
    company = CompanyFactory(organization=OrganizationFactory(kind="company", code="company1"))
    UserFactory(
        username="company1.staff", organization=company.organization, roles=["company_staff"]
    )
    quota(season=season, company=company, limit=10_000)
    for index, country in enumerate(["EGY", "IDN", "PAK", "IRN"], start=1):
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
    applications_step(rng=random.Random(1448), season=season, stdout=None)
    waiting = Application.objects.filter(status="screening").count()
    assert waiting > 40
    started = time.monotonic()
    report = demo_seed_step(rng=random.Random(1448), season=season, stdout=None)
    elapsed = time.monotonic() - started
    watchlist = Watchlist.objects.get(name="moi-demo")
    assert (watchlist.version, watchlist.entry_count) == (1, 3006)
    assert Ban.objects.count() == 1
    statuses = dict(
        (s, Application.objects.filter(status=s).count())
        for s in ("screening", "referred", "approved", "decision")
    )
    assert statuses["screening"] == 0
    # the six planted entries and the ban refer their pilgrims; hardly anyone else; the
    # analyst cleared three planted ones, which wait for the consular decision
    assert 4 <= statuses["referred"] <= 7, statuses
    assert statuses["decision"] == 3
    assert statuses["approved"] == waiting - statuses["referred"] - 3
    assert Review.objects.filter(status="pending").count() == statuses["referred"]
    assert Review.objects.filter(status="cleared").count() == 3
    assert "3 of them cleared by the analyst" in report[1]
    assert report[0].startswith("watchlist moi-demo: version 1, 3006 entries (6 resembling")
    assert elapsed < 15, elapsed
