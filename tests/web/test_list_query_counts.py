"""Every list page and list endpoint runs the same number of queries whatever the number of
rows it shows: no query per row (N+1), no query per group or per page of the table.

Each list is read once with a few rows, then again after more rows were added; the second
read shows more rows and must run exactly as many queries as the first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masar.applications.models import Group
from masar.core.audit import audit_record
from masar.core.dates import riyadh_today
from masar.screening.models import Review, Screening
from tests.applications.factories import ApplicationFactory, PilgrimFactory
from tests.border.test_lists import make_overstay, make_stay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(mohu: Any) -> Any:
    return UserFactory(organization=mohu, roles=["inspector"])


@pytest.fixture
def grow(season: Any, company: Any, agent: Any, contract: Any) -> Callable[[int], None]:
    """`grow(n)` adds n of everything the lists show: pilgrims in the country (a group, an
    application, a visa, crossings and a stay each), their overstays, security reviews,
    applications waiting for the consular decision in one group, and audit entries. Every
    stay is due to leave today and has an overstay (the lists read them, whatever the dates)."""
    today = riyadh_today()
    serial = iter(range(1, 10_000))

    def add(n: int) -> None:
        group = Group.objects.filter(name="Queue").first()
        for _ in range(n):
            i = next(serial)
            stay = make_stay(
                season=season,
                company=company,
                agent=agent,
                permitted_departure=today,
                entered_at=timezone.now() - dt.timedelta(days=3, minutes=i),
            )
            make_overstay(stay)
            screening = Screening.objects.create(
                application=stay.application, person_key=f"P{i}", outcome="referred"
            )
            Review.objects.create(
                application=stay.application,
                screening=screening,
                person_key=f"P{i}",
                status="pending",
                best_score=0.5 + i / 100,
                hit_count=1,
                due_at=timezone.now() + dt.timedelta(hours=i),
            )
            if group is None:
                group = Group.objects.create(
                    name="Queue", agent=agent, company=company, season=season
                )
            ApplicationFactory(
                group=group,
                pilgrim=PilgrimFactory(agent=agent),
                status="decision",
                submitted_at=timezone.now() - dt.timedelta(hours=i),
            )
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action="bench.row",
                    target=("applications.group", str(group.pk)),
                    organization=company.organization,
                )

    return add


def _rows(response: Any) -> int:
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return len(response.json()["results"])
    if "page" in response.context:
        return len(response.context["page"])
    return len(response.context["rows"])


# (user fixture, path, query); "{group}" is the group of the decision queue.
LISTS: list[tuple[str, str, dict[str, str]]] = [
    ("agent_staff", "/applications/", {}),
    ("agent_staff", "/applications/", {"status": "entered"}),
    ("agent_staff", "/applications/", {"q": "rahma"}),
    ("agent_staff", "/groups/", {}),
    ("agent_staff", "/groups/{group}/", {}),
    ("agent_staff", "/api/v1/applications/", {}),
    ("agent_staff", "/api/v1/groups/", {}),
    ("agent_staff", "/api/v1/visas/", {}),
    ("company_staff", "/applications/", {}),
    ("company_staff", "/groups/", {}),
    ("company_staff", "/api/v1/applications/", {"status": "decision"}),
    ("company_staff", "/api/v1/visas/", {"status": "valid"}),
    ("company_staff", "/border/in-country/", {}),
    ("company_staff", "/border/overstays/", {}),
    ("company_staff", "/api/v1/overstays/", {}),
    ("visa_officer", "/applications/", {}),
    ("visa_officer", "/groups/", {}),
    ("visa_officer", "/visas/decisions/", {}),
    ("visa_officer", "/api/v1/visas/decisions/", {}),
    ("visa_officer", "/api/v1/applications/", {}),
    ("visa_officer", "/api/v1/groups/", {}),
    ("visa_officer", "/api/v1/visas/", {}),
    ("security_analyst", "/border/in-country/", {}),
    ("security_analyst", "/border/in-country/", {"nationality": "IDN"}),
    ("security_analyst", "/border/due/", {"days": "7"}),
    ("security_analyst", "/border/overstays/", {"status": "all"}),
    ("security_analyst", "/screening/", {}),
    ("security_analyst", "/api/v1/screening/reviews/", {}),
    ("security_analyst", "/api/v1/overstays/", {}),
    ("licensing_officer", "/audit/", {}),
    ("licensing_officer", "/api/v1/audit/", {}),
    ("company_staff", "/audit/", {}),
    ("company_staff", "/border/due/", {"days": "7"}),
    ("company_staff", "/border/in-country/", {"nationality": "IDN"}),
    ("company_staff", "/visas/", {}),
    ("agent_staff", "/visas/", {"status": "valid"}),
    ("security_analyst", "/visas/", {}),
    ("visa_officer", "/visas/decisions/", {"nationality": "IDN"}),
    ("visa_officer", "/applications/", {"q": "rahm"}),
    ("company_staff", "/applications/", {"q": "rahm"}),
    ("security_analyst", "/screening/", {"status": "all"}),
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
    path = path.format(group=Group.objects.get(name="Queue").pk)
    assert client.get(path, query).status_code == 200  # warm: sessions, caches
    with CaptureQueriesContext(connection) as few:
        first = client.get(path, query)
    grow(2)
    with CaptureQueriesContext(connection) as more:
        second = client.get(path, query)
    assert first.status_code == second.status_code == 200
    assert _rows(second) > _rows(first) > 0
    assert len(more) == len(few), [q["sql"][:160] for q in more.captured_queries]


def test_the_groups_page_counts_only_its_own_groups(
    grow: Callable[[int], None], agent_staff: Any
) -> None:
    grow(3)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent_staff)
    response = client.get("/groups/")
    counts = {g.name: (g.application_count, g.draft_count) for g in response.context["page"]}
    assert counts["Queue"] == (3, 0)
    assert sorted(v for k, v in counts.items() if k != "Queue") == [(1, 0)] * 3
