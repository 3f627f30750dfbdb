"""A search by name (the start of the surname or of the given names) answers the first matches of the reader's own scope, up to a bound, and
says so: a common surname is borne by hundreds of thousands of a season's pilgrims, and the
read stops at the bound instead of listing them all (selectors.name_matches, ADR 0126)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from masar.applications import selectors
from tests.applications.factories import ApplicationFactory, GroupFactory, PilgrimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wijayas(
    season: Any, company: Any, agent: Any, contract: Any, other_company: Any, other_agent: Any
) -> Any:
    """Five WIJAYA of the agent's group (one a given name starting so), two of another agent's, and a
    SANTOSO of the agent's."""
    mine = GroupFactory(season=season, company=company, agent=agent)
    theirs = GroupFactory(season=season, company=other_company, agent=other_agent)

    def app(group: Any, **names: str) -> Any:
        pilgrim = PilgrimFactory(agent=group.agent, **names)
        return ApplicationFactory(group=group, pilgrim=pilgrim, status="decision")

    return {
        "mine": [app(mine, surname="WIJAYA") for _ in range(4)]
        + [app(mine, surname="HALIM", given_names="WIJAYANTO ADI")],
        "theirs": [app(theirs, surname="WIJAYA") for _ in range(2)],
        "santoso": app(mine, surname="SANTOSO"),
    }


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_name_search_finds_the_readers_own_matches_only(
    wijayas: Any, agent_staff: Any, visa_officer: Any
) -> None:
    mine = selectors.application_list(actor=agent_staff)
    found = set(selectors.application_search(mine, "wijaya").values_list("pk", flat=True))
    assert found == {a.pk for a in wijayas["mine"]}
    everyone = selectors.application_list(actor=visa_officer)
    found = set(selectors.application_search(everyone, "WIJAYA").values_list("pk", flat=True))
    assert found == {a.pk for a in wijayas["mine"] + wijayas["theirs"]}
    # the start of a surname or of the given names, not any part of them
    assert not selectors.application_search(everyone, "jaya").exists()


def test_a_name_search_stops_at_its_bound(
    wijayas: Any, agent_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "NAME_MATCHES", 3)
    mine = selectors.application_list(actor=agent_staff)
    ids = selectors.name_matches(mine, "wijaya")
    assert len(ids) == 3
    assert set(ids) <= {a.pk for a in wijayas["mine"]}
    found = selectors.application_search(mine, "wijaya")
    assert found.count() == 3


def test_the_readers_agents_narrow_the_bearers_read_first(
    wijayas: Any, agent_staff: Any, company_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two bearers read at most: the other agent's two WIJAYA never take the agent's
    places, nor the company's (its contracted agent's pilgrims only)."""
    monkeypatch.setattr(selectors, "NAME_CANDIDATES", 2)
    mine = {a.pk for a in wijayas["mine"]}
    assert selectors.pilgrim_agents(agent_staff) == [wijayas["mine"][0].agent_id]
    assert selectors.pilgrim_agents(company_staff) == [wijayas["mine"][0].agent_id]
    for actor in (agent_staff, company_staff):
        qs = selectors.application_list(actor=actor)
        found = set(
            selectors.application_search(qs, "wijaya", actor=actor).values_list("pk", flat=True)
        )
        assert len(found) == 2 and found <= mine


def test_the_list_page_says_a_name_search_is_bounded(
    wijayas: Any, agent_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "NAME_MATCHES", 2)
    client = _client(agent_staff)
    response = client.get("/applications/", {"q": "wijaya"})
    assert len(response.context["page"]) == 2
    assert not response.context["page"].has_next()
    html = response.content.decode()
    assert 'id="name-matches"' in html and "at most the first <bdi>2</bdi> matches" in html
    passport = wijayas["santoso"].pilgrim.passport_number
    by_passport = client.get("/applications/", {"q": passport})
    assert [a.pk for a in by_passport.context["page"]] == [wijayas["santoso"].pk]
    assert 'id="name-matches"' not in by_passport.content.decode()
    arabic = Client(HTTP_ACCEPT_LANGUAGE="ar")
    arabic.force_login(agent_staff)
    arabic.cookies["django_language"] = "ar"
    assert "أول <bdi>2</bdi>" in arabic.get("/applications/", {"q": "wijaya"}).content.decode()


def test_the_api_name_search_is_bounded_too(
    wijayas: Any, agent_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "NAME_MATCHES", 2)
    body = _client(agent_staff).get("/api/v1/applications/", {"q": "WIJAYA"}).json()
    assert body["count"] == 2 and body["next"] is None
    assert {r["id"] for r in body["results"]} <= {a.pk for a in wijayas["mine"]}


@pytest.mark.parametrize(
    ("text", "is_name"),
    [("wijaya", True), ("  Siti ", True), ("ab", False), ("X1234567", False), ("S12", False)],
)
def test_which_texts_are_name_searches(text: str, is_name: bool) -> None:
    assert selectors.is_name_search(text) is is_name


def test_like_wildcards_typed_in_a_name_are_plain_characters(
    wijayas: Any, visa_officer: Any
) -> None:
    everyone = selectors.application_list(actor=visa_officer)
    assert selectors.application_search(everyone, "wij").count() == 7
    for text in ("wi%", "wi_aya", "w\\ij"):
        assert not selectors.application_search(everyone, text).exists(), text
