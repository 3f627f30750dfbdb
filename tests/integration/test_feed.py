"""GET /api/v1/events/: the feed, in commit order, scoped to the caller's organization."""

from __future__ import annotations

import pytest
from django.db import transaction

from masar.integration.models import OutboxEvent
from masar.integration.services import event_emit, outbox_relay
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_payloads")]


def _emit(type_: str, n: int, organizations) -> OutboxEvent:
    with transaction.atomic():
        return event_emit(
            type=type_,
            subject=("operators.company", str(n)),
            payload={"company_id": n},
            organizations=organizations,
        )


@pytest.fixture
def events(company, other_company, mohu, mofa, moi):
    made = [
        _emit("company.suspended", 1, [company.organization]),  # company + all ministries
        _emit("company.licensed", 2, [company.organization]),  # company + mohu
        _emit("company.suspended", 3, [other_company.organization]),
        _emit("company.reinstated", 4, [company.organization]),
    ]
    outbox_relay()
    return [OutboxEvent.objects.get(pk=e.pk) for e in made]


def _ids(body) -> list[str]:
    return [e["id"] for e in body["events"]]


def test_a_company_reads_its_own_events_in_commit_order(api, company_staff, events):
    response = api(company_staff).get("/api/v1/events/")
    assert response.status_code == 200
    body = response.json()
    assert _ids(body) == [str(events[i].event_id) for i in (0, 1, 3)]
    first = body["events"][0]
    assert first == {
        "id": str(events[0].event_id),
        "type": "company.suspended",
        "version": 1,
        "timestamp": events[0].occurred_at.isoformat().replace("+00:00", "Z"),
        "sequence": 1,
        "subject": {"type": "operators.company", "id": "1"},
        "data": {"company_id": 1},
    }
    assert body["next_cursor"] == "4"
    assert body["has_more"] is False


def test_another_company_does_not_see_them(api, other_company_staff, events):
    body = api(other_company_staff).get("/api/v1/events/").json()
    assert _ids(body) == [str(events[2].event_id)]


def test_ministries_see_the_kinds_they_are_responsible_for(
    api, licensing_officer, security_analyst, visa_officer, events
):
    everything = [str(e.event_id) for e in events]
    assert _ids(api(licensing_officer).get("/api/v1/events/").json()) == everything
    without_licensing = [str(events[i].event_id) for i in (0, 2, 3)]
    assert _ids(api(security_analyst).get("/api/v1/events/").json()) == without_licensing
    assert _ids(api(visa_officer).get("/api/v1/events/").json()) == without_licensing


def test_the_cursor_pages_through_and_stays_put_at_the_end(api, licensing_officer, events):
    client = api(licensing_officer)
    page = client.get("/api/v1/events/?limit=3").json()
    assert [e["sequence"] for e in page["events"]] == [1, 2, 3]
    assert (page["next_cursor"], page["has_more"]) == ("3", True)
    page = client.get(f"/api/v1/events/?limit=3&after={page['next_cursor']}").json()
    assert [e["sequence"] for e in page["events"]] == [4]
    assert (page["next_cursor"], page["has_more"]) == ("4", False)
    page = client.get("/api/v1/events/?after=4").json()
    assert (page["events"], page["next_cursor"], page["has_more"]) == ([], "4", False)


def test_types_filter(api, licensing_officer, events):
    body = (
        api(licensing_officer)
        .get("/api/v1/events/?types=company.licensed,company.reinstated")
        .json()
    )
    assert _ids(body) == [str(events[1].event_id), str(events[3].event_id)]


def test_unsequenced_events_are_not_in_the_feed_yet(api, company_staff, company, events):
    _emit("company.reinstated", 9, [company.organization])  # committed, relay not run yet
    assert len(api(company_staff).get("/api/v1/events/").json()["events"]) == 3
    outbox_relay()
    assert len(api(company_staff).get("/api/v1/events/").json()["events"]) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("after=-1", "after"),
        ("after=abc", "after"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("types=company.exploded", "types"),
    ],
)
def test_bad_parameters_get_field_errors(api, company_staff, query, field):
    response = api(company_staff).get(f"/api/v1/events/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert list(body["fields"]) == [field]


def test_the_feed_needs_a_sign_in(api):
    response = api(None).get("/api/v1/events/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_user_without_an_organization_sees_nothing(api, events):
    lone = UserFactory(organization=None, username="lone")
    body = api(lone).get("/api/v1/events/").json()
    assert (body["events"], body["next_cursor"]) == ([], "0")
