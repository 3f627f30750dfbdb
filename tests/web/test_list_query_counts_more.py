"""The rest of the lists (compliance, operators, training) run the same number of queries
whatever the number of rows they show: each is read with a few rows, then again after more
were added (the rows are written directly: these tests count queries, the services that
write them are tested in their apps)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masar.compliance.models import Notice, Penalty, Violation
from tests.factories import AgentFactory, CompanyFactory, UserFactory
from tests.training.factories import CourseFactory

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


@pytest.fixture
def inspector(mohu: Any) -> Any:
    return UserFactory(organization=mohu, roles=["inspector"])


@pytest.fixture
def grow(season: Any, company: Any, agent: Any) -> Callable[[int], None]:
    """`grow(n)` adds n violations and notices of the company, n other companies with a
    penalty each, n agents and n courses."""

    def add(n: int) -> None:
        now = timezone.now()
        for _ in range(n):
            i = next(_serial)
            violation = Violation.objects.create(
                number=f"V-{i:06d}",
                season=season,
                company=company,
                agent=agent,
                violation_type="services_not_delivered",
                source="inspector",
                nationality="IDN",
                occurred_on=now.date() - dt.timedelta(days=i),
                fine_sar=Decimal("1000.00"),
                points=5,
                raised_at=now - dt.timedelta(minutes=i),
            )
            other = CompanyFactory()  # one penalty of a step per company and season
            Penalty.objects.create(
                season=season,
                company=other,
                step="warning",
                reason="points",
                starts_on=now.date(),
                imposed_at=now - dt.timedelta(minutes=i),
            )
            Notice.objects.create(
                company=company,
                season=season,
                kind="penalty",
                subject_en="Warning",
                subject_ar="إنذار",
                body_en="Body",
                body_ar="نص",
                violation=violation,
                issued_at=now - dt.timedelta(minutes=i),
            )
            AgentFactory()
            CourseFactory()

    return add


def _rows(response: Any) -> int:
    if response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        return len(body["results"] if isinstance(body, dict) else body)
    for name in ("page", "rows", "violations", "companies", "agents", "courses"):
        if name in response.context:
            return len(response.context[name])
    raise AssertionError(sorted(k for d in response.context for k in d))


LISTS: list[tuple[str, str, dict[str, str]]] = [
    ("inspector", "/api/v1/violations/", {}),
    ("company_staff", "/api/v1/violations/", {}),
    ("licensing_officer", "/api/v1/penalties/", {}),
    ("company_staff", "/api/v1/compliance/notices/", {}),
    ("licensing_officer", "/companies/", {}),
    ("licensing_officer", "/agents/", {}),
    ("licensing_officer", "/api/v1/companies/", {}),
    ("licensing_officer", "/api/v1/agents/", {}),
    ("agent_staff", "/api/v1/training/courses/", {}),
]


@pytest.mark.parametrize(("role", "path", "query"), LISTS)
def test_queries_do_not_grow_with_the_rows_shown(
    request: pytest.FixtureRequest,
    grow: Callable[[int], None],
    role: str,
    path: str,
    query: dict[str, str],
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(request.getfixturevalue(role))
    grow(1)
    assert client.get(path, query).status_code == 200  # warm: sessions, caches
    with CaptureQueriesContext(connection) as few:
        first = client.get(path, query)
    grow(2)
    with CaptureQueriesContext(connection) as more:
        second = client.get(path, query)
    assert first.status_code == second.status_code == 200
    assert _rows(second) > _rows(first) > 0
    assert len(more) == len(few), [q["sql"][:160] for q in more.captured_queries]
