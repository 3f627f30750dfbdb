"""No tip-off: the company and the agent never learn that screening matched, why, how often,
who reviews it or how long it took: not on the application page, its history, the API, the
journey, the tracker, nor in the events their subscribers receive. The ministries see
everything as stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from masar.applications.models import Application
from masar.integration.models import EventAudience, OutboxEvent, WebhookDelivery
from masar.integration.models import WebhookSubscription as Subscription
from masar.integration.services import outbox_relay
from masar.screening.models import Review
from masar.screening.services import review_decide
from masar.screening.tasks import screen_application
from tests.factories import UserFactory
from tests.screening import conftest as screening_fixtures
from tests.screening.factories import make_watchlist
from tests.screening.test_screening_task import OTHERS, SITI

pytestmark = pytest.mark.django_db

# The fixtures of the screening tests, reused as they are.
_fresh_index_cache = screening_fixtures._fresh_index_cache
_media = screening_fixtures._media
draft = screening_fixtures.draft
group = screening_fixtures.group
in_screening = screening_fixtures.in_screening
make_draft = screening_fixtures.make_draft
other_group = screening_fixtures.other_group
quotas = screening_fixtures.quotas
season = screening_fixtures.season

#: What would tip the submitting side off, in any of the forms it could appear in.
LEAKS = ("referred", "Possible match", "hit(s)", "moi.security", "security_cleared", "(R-")


@pytest.fixture
def referred(in_screening: Any) -> Application:
    make_watchlist([SITI, *OTHERS], review_sla_hours=12)
    app = in_screening()
    screen_application.call(application_id=app.pk)
    app.refresh_from_db()
    assert app.status == "referred"
    return app


@pytest.fixture
def subscriptions(company: Any, agent: Any, moi: Any) -> dict[str, Subscription]:
    def subscribe(org: Any, name: str) -> Subscription:
        account = UserFactory(
            organization=org, username=name, roles=["integration"], is_service_account=True
        )
        return Subscription.objects.create(
            organization=org,
            service_account=account,
            url=f"https://{name}.example.org/hook",
            event_types=["*"],
            secret="not-used-here",
        )

    return {
        "company": subscribe(company.organization, "company-system"),
        "agent": subscribe(agent.organization, "agent-system"),
        "moi": subscribe(moi, "moi-system"),
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _delivered(subscription: Subscription) -> list[tuple[str, dict[str, Any]]]:
    rows = WebhookDelivery.objects.filter(subscription=subscription).select_related("event")
    return [(d.event.type, d.event.payload) for d in rows.order_by("sequence")]


def test_the_api_shows_the_company_and_the_agent_a_neutral_review(
    api: Any, referred: Application, company_staff: Any, agent_staff: Any
) -> None:
    for user in (company_staff, agent_staff):
        body = api(user).get(f"/api/v1/applications/{referred.pk}/").json()
        assert body["status"] == "under_review"
        assert body["status_reason"] == ""
        assert body["timestamps"]["screened_at"] is None
        # Its last change, for them, is the company's approval: the review does not move it.
        assert body["updated_at"] == body["timestamps"]["company_decided_at"]
        assert [(s["name"], s["from_status"], s["to_status"]) for s in body["history"]] == [
            ("submit", "draft", "submitted"),
            ("company_approve", "submitted", "under_review"),
        ]
        listed = api(user).get("/api/v1/applications/", {"status": "referred"}).json()
        assert [a["status"] for a in listed["results"]] == ["under_review"]
        text = str(body) + str(listed)
        for leak in LEAKS:
            assert leak not in text


def test_the_security_analyst_sees_everything(
    api: Any, referred: Application, security_analyst: Any
) -> None:
    review = Review.objects.get(application=referred)
    body = api(security_analyst).get(f"/api/v1/applications/{referred.pk}/").json()
    assert body["status"] == "referred"
    assert body["status_reason"] == (
        f"Possible match in security screening: 1 hit(s) to review ({review.reference})."
    )
    assert body["timestamps"]["screened_at"] is not None
    assert [s["name"] for s in body["history"]] == ["submit", "company_approve", "refer"]


def test_the_page_and_its_history_say_under_review_by_the_authorities(
    referred: Application, company_staff: Any, agent_staff: Any, security_analyst: Any
) -> None:
    for user in (company_staff, agent_staff):
        html = _client(user).get(f"/applications/{referred.pk}/").content.decode()
        assert "Under review by the authorities" in html
        for leak in (*LEAKS, "Referred for review", "In security screening"):
            assert leak not in html
        listing = _client(user).get("/applications/").content.decode()
        assert "Under review by the authorities" in listing
        assert "Referred for review" not in listing
    arabic = Client()
    arabic.force_login(company_staff)
    arabic.cookies["django_language"] = "ar"
    html = arabic.get(f"/applications/{referred.pk}/").content.decode()
    assert "قيد المراجعة لدى الجهات المختصة" in html


def test_a_refusal_on_security_grounds_reaches_them_without_its_reason(
    api: Any,
    referred: Application,
    company_staff: Any,
    security_analyst: Any,
    subscriptions: dict[str, Subscription],
) -> None:
    review = Review.objects.get(application=referred)
    review_decide(
        actor=security_analyst,
        review_id=review.pk,
        decision="true_match",
        reason_code="watchlist_match",
    )
    outbox_relay()
    body = api(company_staff).get(f"/api/v1/applications/{referred.pk}/").json()
    assert (body["status"], body["status_reason"]) == ("rejected", "Refused by the authorities.")
    assert body["history"][-1] == {
        "name": "refused",
        "from_status": "under_review",
        "to_status": "rejected",
        "actor": "authorities",
        "reason": "Refused by the authorities.",
        "at": body["history"][-1]["at"],
    }
    assert "watchlist_match" not in str(body)
    journey = api(company_staff).get(f"/api/v1/pilgrims/{referred.number}/journey/").json()
    assert journey["status"] == "rejected"
    assert [s["name"] for s in journey["timeline"]] == ["submit", "company_approve", "refused"]
    # What each subscriber was sent: the company and the agent the neutral refusal only.
    neutral = {
        "application_id": referred.pk,
        "number": referred.number,
        "group_id": referred.group_id,
        "agent_id": referred.agent_id,
        "company_id": referred.company_id,
        "season_id": referred.season_id,
        "transition": "refused",
        "from": "under_review",
        "to": "rejected",
        "reason": "Refused by the authorities.",
    }
    expected = {
        "company": [
            "application.submitted",
            "application.approved_by_company",
            "application.ready_for_screening",
            "application.refused",
        ],
        "agent": [
            "application.submitted",
            "application.approved_by_company",
            "application.refused",
        ],
    }
    for side, types in expected.items():
        delivered = _delivered(subscriptions[side])
        assert [t for t, _payload in delivered] == types
        assert delivered[-1] == ("application.refused", neutral)
        for leak in (*LEAKS, "watchlist_match", "screening.", "application.rejected"):
            assert leak not in str(delivered)
    ministry = [t for t, _payload in _delivered(subscriptions["moi"])]
    assert "application.referred" in ministry
    assert "application.rejected" in ministry
    assert "application.refused" not in ministry
    # The feed reads the same audience rows.
    org_types = set(
        EventAudience.objects.filter(organization=referred.company.organization).values_list(
            "event__type", flat=True
        )
    )
    assert not {"application.referred", "application.rejected", "screening.referred"} & org_types
    feed = api(subscriptions["company"].service_account).get("/api/v1/events/").json()
    assert "application.refused" in [e["type"] for e in feed["events"]]
    assert "application.referred" not in [e["type"] for e in feed["events"]]


def test_a_cleared_referral_leaves_no_trace_for_them(
    api: Any,
    referred: Application,
    agent_staff: Any,
    security_analyst: Any,
    subscriptions: dict[str, Subscription],
) -> None:
    review = Review.objects.get(application=referred)
    review_decide(
        actor=security_analyst,
        review_id=review.pk,
        decision="false_positive",
        reason="Different person: other birth date.",
    )
    outbox_relay()
    body = api(agent_staff).get(f"/api/v1/applications/{referred.pk}/").json()
    assert body["status"] == "under_review"
    assert [s["name"] for s in body["history"]] == ["submit", "company_approve"]
    assert "Cleared by security review" not in str(body)
    types = [t for t, _payload in _delivered(subscriptions["agent"])]
    assert not [t for t in types if "security" in t or "referred" in t or "screened" in t]
    assert OutboxEvent.objects.filter(type="application.security_cleared").count() == 1


def test_the_tracker_does_not_time_the_review(api: Any, referred: Application) -> None:
    body = api(None).get(
        "/api/v1/track/",
        {"application": referred.number, "passport": referred.pilgrim.passport_number},
    )
    if body.status_code == 405:  # the tracker takes its values by POST
        body = api(None).post(
            "/api/v1/track/",
            {"application": referred.number, "passport": referred.pilgrim.passport_number},
        )
    data = body.json()
    assert (data["status"], data["status_label"]) == (
        "under_review",
        "Under review by the authorities",
    )
    assert [s["step"] for s in data["steps"]] == ["submitted", "company_decided"]


def test_a_refused_action_names_the_neutral_state(
    api: Any, referred: Application, agent_staff: Any
) -> None:
    response = api(agent_staff).post(f"/api/v1/applications/{referred.pk}/withdraw/", {})
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["fields"]["status"]) == ("invalid_transition", ["under_review"])
    assert "Referred" not in body["message"]
    assert "Under review by the authorities" in body["message"]
    referred.refresh_from_db()
    assert referred.status == "referred"
