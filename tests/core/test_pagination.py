"""Keyset pagination: pages in both directions without a row skipped or shown twice, ties in
the sort broken by the primary key, edited cursors refused (API) or ignored (pages), page
numbers capped, counts capped."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from masar.applications.models import Group
from masar.core.pagination import (
    CappedCount,
    InvalidCursor,
    KeysetPaginator,
    capped_count,
    decode_cursor,
    encode_cursor,
)
from tests.applications.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(agent: Any, company: Any, season: Any) -> list[Group]:
    """Seven groups, three of them created at the same instant (a tie in the sort)."""
    start = timezone.now() - dt.timedelta(days=1)
    moments = [start + dt.timedelta(minutes=m) for m in (1, 2, 3, 3, 3, 4, 5)]
    return [
        GroupFactory(agent=agent, company=company, season=season, created_at=at) for at in moments
    ]


def _expected(groups: list[Group]) -> list[int]:
    return [g.pk for g in sorted(groups, key=lambda g: (g.created_at, g.pk), reverse=True)]


def test_pages_forwards_and_backwards_show_every_row_once(groups: list[Group]) -> None:
    paginator = KeysetPaginator(Group.objects.order_by("-created_at", "-id"), 3)
    first = paginator.page(None)
    second = paginator.page(first.next_cursor)
    third = paginator.page(second.next_cursor)
    shown = [g.pk for page in (first, second, third) for g in page]
    assert shown == _expected(groups)
    assert (first.has_previous(), first.has_next()) == (False, True)
    assert (third.has_previous(), third.has_next()) == (True, False)
    assert third.next_cursor is None
    back = paginator.page(third.previous_cursor)
    assert [g.pk for g in back] == [g.pk for g in second]
    assert (back.has_previous(), back.has_next()) == (True, True)
    assert [g.pk for g in paginator.page(back.previous_cursor)] == [g.pk for g in first]
    assert paginator.page(back.previous_cursor).has_previous() is False


def test_the_primary_key_is_appended_to_the_sort_key(groups: list[Group]) -> None:
    paginator = KeysetPaginator(Group.objects.all(), 2, ordering=["-created_at"])
    assert paginator.key == ["-created_at", "-id"]
    shown, cursor = [], None
    while True:
        page = paginator.page(cursor)
        shown += [g.pk for g in page]
        if not page.has_next():
            break
        cursor = page.next_cursor
    assert shown == _expected(groups)


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        encode_cursor([1], backwards=False),  # one value for a two-field key
        encode_cursor(["yesterday", 5], backwards=False),  # not a date-time
        encode_cursor([{"t": "2026-01-01T00:00:00+00:00"}, "five"], backwards=False),
        encode_cursor([[1, 2], 5], backwards=False),
        "eyJrIjogWzEsIDJdLCAiYiI6ICJubyJ9",  # direction not a boolean
    ],
)
def test_a_cursor_the_list_did_not_give_is_refused(cursor: str, groups: list[Group]) -> None:
    qs = Group.objects.order_by("-created_at", "-id")
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, queryset=qs, key=["-created_at", "-id"])
    page = KeysetPaginator(qs, 3).get_page(cursor)  # a page shows the first page instead
    assert [g.pk for g in page] == _expected(groups)[:3]


def test_counts_are_exact_up_to_the_cap(groups: list[Group]) -> None:
    assert capped_count(Group.objects.all(), cap=7) == CappedCount(7, False) == 7
    assert capped_count(Group.objects.all(), cap=6) == CappedCount(6, True)
    assert capped_count(Group.objects.all(), cap=6) != 6
    assert str(CappedCount(10_000, True)) == "more than 10,000"
    assert str(CappedCount(1234, False)) == "1,234"


def test_the_api_follows_its_cursor_links(api: Any, agent_staff: Any, groups: list[Group]) -> None:
    client = api(agent_staff)
    body = client.get("/api/v1/groups/", {"page_size": 4}).json()
    assert (body["count"], body["count_capped"], body["previous"]) == (7, False, None)
    second = client.get(body["next"]).json()
    assert [g["id"] for g in body["results"] + second["results"]] == _expected(groups)
    assert second["next"] is None
    assert parse_qs(urlparse(second["previous"]).query)["page_size"] == ["4"]
    assert [g["id"] for g in client.get(second["previous"]).json()["results"]] == [
        g["id"] for g in body["results"]
    ]


def test_the_api_refuses_an_edited_cursor(api: Any, agent_staff: Any, groups: list[Group]) -> None:
    response = api(agent_staff).get("/api/v1/groups/", {"cursor": "abc"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
    assert list(response.json()["fields"]) == ["cursor"]


def test_page_numbers_stop_at_the_ten_thousandth_row(
    api: Any, agent_staff: Any, groups: list[Group]
) -> None:
    client = api(agent_staff)
    body = client.get("/api/v1/groups/", {"page": "2", "page_size": "3"}).json()
    assert [g["id"] for g in body["results"]] == _expected(groups)[3:6]
    assert parse_qs(urlparse(body["next"]).query)["page"] == ["3"]
    assert parse_qs(urlparse(body["previous"]).query)["page"] == ["1"]
    refused = client.get("/api/v1/groups/", {"page": "201"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "page_out_of_range"
    assert list(refused.json()["fields"]) == ["page"]
    assert client.get("/api/v1/groups/", {"page": "200"}).json()["results"] == []
    bad_size = client.get("/api/v1/groups/", {"page_size": "x"})
    assert bad_size.status_code == 400
    assert list(bad_size.json()["fields"]) == ["page_size"]


def test_the_page_pager_links_carry_the_cursor_and_the_filters(
    client: Any, agent_staff: Any, agent: Any, company: Any, season: Any
) -> None:
    for _ in range(26):
        GroupFactory(agent=agent, company=company, season=season)
    client.force_login(agent_staff)
    page = client.get("/groups/", {"season": "x"})
    cursor = page.context["page"].next_cursor
    assert f'href="?season=x&amp;cursor={cursor}" rel="next"' in page.content.decode()
    assert len(client.get("/groups/", {"cursor": cursor}).context["page"]) == 1
