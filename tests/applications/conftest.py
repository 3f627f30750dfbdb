"""Fixtures of the applications tests: a season open today, quotas, a group with a full
package, and drafts made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.applications.services import application_create
from masar.core.dates import riyadh_today
from tests.applications.factories import GroupFactory, pilgrim_values, quota
from tests.factories import ContractFactory, SeasonFactory


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def season(db: Any) -> Any:
    """An Umrah season whose calendar is open around today, whatever day the tests run."""
    today = riyadh_today()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    return SeasonFactory(
        starts_on=day(-60),
        contracts_due=day(-50),
        visas_from=day(-30),
        last_agent_approval=day(60),
        last_visa_date=day(90),
        last_entry_date=day(100),
        last_exit_date=day(130),
        ends_on=day(160),
    )


@pytest.fixture
def quotas(season: Any, company: Any, agent: Any) -> dict[str, Any]:
    return {
        "company": quota(season=season, company=company, limit=1000),
        "agent": quota(season=season, agent=agent, limit=500),
    }


@pytest.fixture
def group(season: Any, company: Any, agent: Any, contract: Any, quotas: Any) -> Any:
    return GroupFactory(season=season, company=company, agent=agent)


@pytest.fixture
def other_group(season: Any, other_company: Any, other_agent: Any) -> Any:
    ContractFactory(
        company=other_company,
        agent=other_agent,
        countries=[other_agent.country],
        valid_from=season.starts_on,
        valid_until=season.ends_on,
    )
    quota(season=season, company=other_company, limit=100)
    quota(season=season, agent=other_agent, limit=100)
    return GroupFactory(season=season, company=other_company, agent=other_agent)


@pytest.fixture
def make_draft(group: Any, agent_staff: Any) -> Any:
    def make(target_group: Any = None, actor: Any = None, **overrides: Any) -> Any:
        return application_create(
            actor=actor or agent_staff,
            group=target_group or group,
            pilgrim=pilgrim_values(**overrides),
        )

    return make


@pytest.fixture
def draft(make_draft: Any) -> Any:
    return make_draft()
