"""Each role's workspace: its own navigation (only what it may use, each page once) and a
home that opens with its work queue (counts, oldest first, deadline and overdue marks)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from masar.applications.models import Application
from masar.applications.services import application_submit
from tests.visas import conftest as visas_fixtures

pytestmark = pytest.mark.django_db

_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
make_draft = visas_fixtures.make_draft
visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


# Everyone's own API tokens, in the "My account" group.
TOKENS = "/account/tokens/"


def _nav(html: str) -> list[str]:
    nav = html[html.index('class="mainnav"') : html.index("</nav>", html.index('class="mainnav"'))]
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "agent_staff",
            ["/", "/groups/", "/applications/", "/visas/", "/whereabouts/", "/training/", TOKENS],
        ),
        (
            "border_officer",
            [
                "/",
                "/border/officer/",
                "/border/in-country/",
                "/border/due/",
                "/border/overstays/",
                "/whereabouts/unknown/",
                TOKENS,
            ],
        ),
        ("visa_officer", ["/", "/visas/decisions/", "/visas/", "/applications/", TOKENS]),
        (
            "security_analyst",
            ["/", "/screening/", "/screening/watchlists/", "/applications/", TOKENS],
        ),
        (
            "licensing_officer",
            [
                "/",
                "/companies/",
                "/agents/",
                "/providers/hotels/",
                "/providers/transport/",
                "/seasons/",
                "/audit/",
                TOKENS,
            ],
        ),
    ],
)
def test_each_role_has_its_own_navigation(request: Any, who: str, expected: list[str]) -> None:
    user = request.getfixturevalue(who)
    links = _nav(signed_in(user).get("/").content.decode())
    assert links == expected
    assert len(links) == len(set(links))  # each page once


def test_the_nav_groups_are_named_for_screen_readers(agent_staff: Any) -> None:
    html = signed_in(agent_staff, "ar").get("/").content.decode()
    assert '<ul aria-labelledby="nav-records">' in html
    assert '<a href="/" aria-current="page">' in html


def test_the_visa_officer_home_is_the_consular_queue(in_decision: Any, visa_officer: Any) -> None:
    first, _second = in_decision(), in_decision()
    Application.objects.filter(pk=first.pk).update(
        screened_at=timezone.now() - dt.timedelta(days=30)
    )
    html = signed_in(visa_officer).get("/").content.decode()
    row = html[html.index('data-queue="decisions"') :]
    row = row[: row.index("</tr>")]
    assert 'data-count="2"' in row and 'class="overdue"' in row
    assert '<a href="/visas/decisions/">' in row and "1 overdue" in row
    assert "Operators" not in html  # not the licensing ministry's overview


def test_the_company_home_counts_what_waits_for_approval(
    make_draft: Any, agent_staff: Any, company_staff: Any
) -> None:
    app = make_draft()
    application_submit(actor=agent_staff, application=app)
    html = signed_in(company_staff).get("/").content.decode()
    assert 'data-queue="approve" data-count="1"' in html
    assert '<a href="/applications/?status=submitted">Applications to approve</a>' in html
    # work before empty lines
    assert html.index('data-queue="approve"') < html.index('data-queue="notices"')


def test_the_agent_home_lists_drafts_and_returned_work(make_draft: Any, agent_staff: Any) -> None:
    make_draft()
    html = signed_in(agent_staff, "ar").get("/").content.decode()
    assert 'data-queue="drafts" data-count="1"' in html
    assert 'data-queue="returned" data-count="0"' in html


ROLE_ORGS = [
    ("agent_staff", "agent"),
    ("company_staff", "company"),
    ("supervisor", "company"),
    ("visa_officer", "mofa"),
    ("security_analyst", "moi"),
    ("border_officer", "moi"),
    ("analyst", "moi"),
    ("licensing_officer", "mohu"),
    ("inspector", "mohu"),
    ("trainer", "mohu"),
    ("analyst", "mohu"),
    ("supervisor", "mohu"),
]


@pytest.mark.parametrize(("role", "org"), ROLE_ORGS)
def test_every_link_of_a_roles_navigation_opens(
    request: Any, season: Any, role: str, org: str
) -> None:
    """Only what it may use: no link of a role's menu answers 403 or 404."""
    from tests.factories import UserFactory

    organization = request.getfixturevalue(org)
    organization = getattr(organization, "organization", organization)
    user = UserFactory(organization=organization, roles=[role])
    client = signed_in(user)
    links = _nav(client.get("/").content.decode())
    assert len(links) > 1
    answers = {link: client.get(link).status_code for link in links}
    assert answers == dict.fromkeys(links, 200)


def test_a_company_supervisor_sees_its_staffs_queue(
    make_draft: Any, agent_staff: Any, company: Any
) -> None:
    from tests.factories import UserFactory

    app = make_draft()
    application_submit(actor=agent_staff, application=app)
    supervisor = UserFactory(organization=company.organization, roles=["supervisor"])
    html = signed_in(supervisor).get("/").content.decode()
    assert 'data-queue="approve" data-count="1"' in html
