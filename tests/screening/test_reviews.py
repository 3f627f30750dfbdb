"""The review queue and the analyst's decision, through the services and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masar.applications.models import Application, ApplicationTransition
from masar.core.audit import audit_verify
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.screening.models import FalsePositive, Review
from masar.screening.services import review_decide
from masar.screening.tasks import screen_application
from masar.seasons.models import Quota
from tests.screening.factories import make_watchlist
from tests.screening.test_screening_task import OTHERS, SITI

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(in_screening):
    """A referred application (Siti Nur Rahman matches entry MOI-1 exactly)."""
    make_watchlist([SITI, *OTHERS], review_sla_hours=12)
    app = in_screening()
    screen_application.call(application_id=app.pk)
    app.refresh_from_db()
    assert app.status == "referred"
    return app


def _state(app: Application) -> tuple:
    app.refresh_from_db()
    review = Review.objects.get(application=app)
    return (
        app.status,
        app.status_reason,
        review.status,
        review.decision,
        ApplicationTransition.objects.filter(application=app).count(),
        FalsePositive.objects.count(),
        OutboxEvent.objects.filter(type="screening.decided").count(),
    )


def test_the_queue_orders_by_score_then_waiting_time(api, security_analyst, in_screening):
    make_watchlist(
        [
            SITI,
            {"id": "MOI-9", "name": "Ahmad Hidayat", "birth_date": "1985"},
        ]
    )
    weaker = in_screening(surname="Hidayat", given_names="Ahmad Fauzi", native_name="")
    older = in_screening()
    newer = in_screening(passport_number="C9999991", given_names="Siti Nur")
    for app in (weaker, older, newer):
        screen_application.call(application_id=app.pk)
    Review.objects.filter(application=older).update(
        opened_at=timezone.now() - dt.timedelta(hours=30),
        due_at=timezone.now() - dt.timedelta(hours=6),
    )
    response = api(security_analyst).get("/api/v1/screening/reviews/")
    assert response.status_code == 200, response.json()
    rows = response.json()["results"]
    assert [r["application"]["number"] for r in rows] == [
        older.number,
        newer.number,
        weaker.number,
    ]
    assert [r["overdue"] for r in rows] == [True, False, False]
    assert rows[0]["applicant"]["name"] == "Siti Nur Rahman"
    assert rows[0]["best_score"] == 100.0
    assert rows[2]["best_score"] < 100.0
    waiting = api(security_analyst).get("/api/v1/screening/reviews/?order=waiting").json()
    assert waiting["results"][0]["application"]["number"] == older.number


def test_the_review_shows_every_hit_with_its_explanation(api, security_analyst, referred):
    review = Review.objects.get(application=referred)
    data = api(security_analyst).get(f"/api/v1/screening/reviews/{review.pk}/").json()
    assert (data["reference"], data["status"], data["hit_count"]) == (
        f"R-{review.pk}",
        "pending",
        1,
    )
    assert data["applicant"]["native_name"] == "سيتي نور رحمن"
    [hit] = data["hits"]
    assert (hit["kind"], hit["raised"], hit["score"]) == ("watchlist", True, 100.0)
    assert hit["watchlist"]["name"] == "moi-wanted"
    assert hit["entry"]["id"] == "MOI-1"
    assert hit["entry"]["names"] == ["Siti Nur Rahman", "سيتي نور رحمن"]
    assert hit["entry"]["reason"] == "Forged travel documents"
    assert hit["explanation"]["birth_date"]["reason"] == "same birth date"
    assert [p["query_token"] for p in hit["explanation"]["token_pairs"]] == [
        "siti",
        "nur",
        "rahman",
    ]


def test_a_false_positive_goes_on_to_the_consular_decision(api, security_analyst, referred):
    review = Review.objects.get(application=referred)
    response = api(security_analyst).post(
        f"/api/v1/screening/reviews/{review.pk}/decide/",
        {"decision": "false_positive", "reason": "Born in Medan, not Surabaya; photo differs."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["decision"]) == ("cleared", "false_positive")
    referred.refresh_from_db()
    # referred ones wait for the foreign ministry: never decided automatically
    assert (referred.status, referred.decided_automatically) == ("decision", False)
    assert referred.security_decided_at is not None
    assert referred.status_reason == "Cleared by security review."
    last = ApplicationTransition.objects.filter(application=referred).last()
    assert (last.name, last.actor) == ("referral_clear", security_analyst)
    entry = AuditEntry.objects.get(action="screening.review_decide")
    assert (entry.actor_id, entry.target_id) == (security_analyst.pk, str(review.pk))
    assert entry.details["decision"] == "false_positive"
    assert entry.details["false_positives_remembered"] == 1
    event = OutboxEvent.objects.get(type="screening.decided")
    assert (event.payload["decision"], event.payload["within_sla"]) == ("false_positive", True)
    assert event.organizations == []
    assert audit_verify().ok


def test_a_true_match_rejects_with_a_coded_reason_and_gives_the_quota_back(
    api, security_analyst, referred, quotas
):
    review = Review.objects.get(application=referred)
    assert Quota.objects.get(pk=quotas["company"].pk).used == 1
    response = api(security_analyst).post(
        f"/api/v1/screening/reviews/{review.pk}/decide/",
        {"decision": "true_match", "reason_code": "watchlist_match", "reason": "UN notice photo."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    referred.refresh_from_db()
    assert (referred.status, referred.status_reason, referred.active_passport) == (
        "rejected",
        "watchlist_match",
        None,
    )
    assert Quota.objects.get(pk=quotas["company"].pk).used == 0
    review.refresh_from_db()
    assert (review.status, review.reason_code, review.decided_by) == (
        "confirmed",
        "watchlist_match",
        security_analyst,
    )
    assert FalsePositive.objects.count() == 0
    assert AuditEntry.objects.filter(
        action="application.referral_reject", target_id=str(referred.pk)
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "false_positive"}, "reason"),
        ({"decision": "false_positive", "reason": "   "}, "reason"),
        ({"decision": "true_match"}, "reason_code"),
        ({"decision": "true_match", "reason_code": "looks_bad"}, "reason_code"),
        ({"decision": "maybe", "reason": "x"}, "decision"),
    ],
)
def test_bad_decisions_are_refused_with_the_field_and_change_nothing(
    api, security_analyst, referred, body, field
):
    review = Review.objects.get(application=referred)
    before = _state(referred)
    response = api(security_analyst).post(
        f"/api/v1/screening/reviews/{review.pk}/decide/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == [field]
    assert _state(referred) == before


def test_a_review_is_decided_once(api, security_analyst, screening_supervisor, referred):
    review = Review.objects.get(application=referred)
    review_decide(
        actor=screening_supervisor, review_id=review.pk, decision="false_positive", reason="No."
    )
    before = _state(referred)
    response = api(security_analyst).post(
        f"/api/v1/screening/reviews/{review.pk}/decide/",
        {"decision": "true_match", "reason_code": "entry_ban"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "review_already_decided"
    assert _state(referred) == before


@pytest.mark.parametrize("who", ["border_officer", "visa_officer", "licensing_officer"])
def test_other_ministry_staff_cannot_decide(request, api, referred, who):
    actor = request.getfixturevalue(who)
    review = Review.objects.get(application=referred)
    before = _state(referred)
    with pytest.raises(Forbidden):
        review_decide(actor=actor, review_id=review.pk, decision="false_positive", reason="x")
    response = api(actor).post(
        f"/api/v1/screening/reviews/{review.pk}/decide/",
        {"decision": "false_positive", "reason": "x"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "screening_not_allowed")
    assert api(actor).get("/api/v1/screening/reviews/").status_code == 403
    assert _state(referred) == before


def test_the_service_checks_its_input_too(security_analyst, referred):
    review = Review.objects.get(application=referred)
    before = _state(referred)
    with pytest.raises(ValidationFailed) as missing:
        review_decide(actor=security_analyst, review_id=review.pk, decision="true_match")
    assert missing.value.fields == {"reason_code": [missing.value.fields["reason_code"][0]]}
    with pytest.raises(Conflict):
        Review.objects.filter(pk=review.pk).update(status="cleared")
        review_decide(
            actor=security_analyst, review_id=review.pk, decision="false_positive", reason="x"
        )
    Review.objects.filter(pk=review.pk).update(status="pending")
    assert _state(referred) == before


def test_a_retried_decision_with_the_same_key_replays_the_answer(api, security_analyst, referred):
    from rest_framework.test import APIClient

    review = Review.objects.get(application=referred)
    client = APIClient()
    client.force_login(security_analyst)  # a session: the middleware knows the caller
    body = {"decision": "false_positive", "reason": "Other person."}
    url = f"/api/v1/screening/reviews/{review.pk}/decide/"
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="decide-1")
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="decide-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert OutboxEvent.objects.filter(type="screening.decided").count() == 1
