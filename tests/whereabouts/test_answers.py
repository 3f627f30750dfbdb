"""The company's answer to an alert (service and API): found, moved with a reason, an
absconding report that feeds the compliance ladder; who may answer; the API's scoping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.compliance.models import Invoice, Violation
from masar.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from masar.integration.models import OutboxEvent
from masar.whereabouts.models import WhereaboutsAlert
from masar.whereabouts.services import alert_answer, whereabouts_sweep

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


@pytest.fixture
def alert(pilgrim_in: Any, now: dt.datetime) -> WhereaboutsAlert:
    pilgrim_in(hours_ago=30, now=now)
    whereabouts_sweep(now=now)
    return WhereaboutsAlert.objects.get()


def test_found_is_recorded_with_who_and_when_and_told_to_the_agent(
    alert: WhereaboutsAlert, company_staff: Any, agent: Any, company: Any
) -> None:
    answered = alert_answer(actor=company_staff, alert=alert.pk, answer="found")
    assert (answered.status, answered.answer, answered.answered_by) == (
        "answered",
        "found",
        company_staff,
    )
    assert answered.answered_late is False
    [event] = OutboxEvent.objects.filter(type="whereabouts_alert.answered")
    assert event.payload["answer"] == "found"
    assert event.payload["violation_id"] is None
    assert sorted(event.organizations) == sorted([agent.organization_id, company.organization_id])


def test_moved_needs_a_reason_and_nothing_changes_without_one(
    alert: WhereaboutsAlert, company_staff: Any
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        alert_answer(actor=company_staff, alert=alert.pk, answer="moved", reason="  ")
    assert refused.value.code == "whereabouts_reason_required"
    assert list(refused.value.fields) == ["reason"]
    alert.refresh_from_db()
    assert (alert.status, alert.answer) == ("open", "")
    answered = alert_answer(
        actor=company_staff, alert=alert.pk, answer="moved", reason="With relatives in Jeddah"
    )
    assert answered.answer_reason == "With relatives in Jeddah"


def test_an_absconding_report_raises_the_violation_and_its_fines(
    alert: WhereaboutsAlert, company_staff: Any, company: Any, agent: Any
) -> None:
    answered = alert_answer(
        actor=company_staff, alert=alert.pk, answer="absconded", reason="Left the group at night"
    )
    violation = Violation.objects.get(pk=answered.violation_ref)
    assert (violation.violation_type, violation.source) == ("absconded", "automatic")
    assert (violation.company_id, violation.agent_id) == (company.pk, agent.pk)
    assert violation.application_ref == alert.application_id
    assert (violation.points, str(violation.fine_sar)) == (10, "25000.00")
    assert sorted(Invoice.objects.filter(violation=violation).values_list("payer", flat=True)) == [
        "agent",
        "company",
    ]
    event = OutboxEvent.objects.get(type="whereabouts_alert.answered")
    assert event.payload["violation_id"] == violation.pk


def test_an_answer_after_the_deadline_is_late_and_an_escalated_alert_may_still_be_answered(
    alert: WhereaboutsAlert, company_staff: Any, now: dt.datetime
) -> None:
    whereabouts_sweep(now=now + 25 * H)
    alert.refresh_from_db()
    assert alert.status == "escalated"
    answered = alert_answer(actor=company_staff, alert=alert.pk, answer="found")
    assert (answered.status, answered.answered_late) == ("answered", True)


def test_only_the_pilgrims_company_answers_once(
    alert: WhereaboutsAlert, company_staff: Any, other_company_staff: Any, agent_staff: Any
) -> None:
    with pytest.raises(Forbidden):
        alert_answer(actor=agent_staff, alert=alert.pk, answer="found")
    with pytest.raises(NotFound):
        alert_answer(actor=other_company_staff, alert=alert.pk, answer="found")
    with pytest.raises(ValidationFailed):
        alert_answer(actor=company_staff, alert=alert.pk, answer="maybe")
    alert.refresh_from_db()
    assert alert.status == "open"
    alert_answer(actor=company_staff, alert=alert.pk, answer="found")
    with pytest.raises(Conflict) as again:
        alert_answer(actor=company_staff, alert=alert.pk, answer="absconded")
    assert again.value.code == "whereabouts_alert_already_answered"
    assert not Violation.objects.exists()


def test_the_api_lists_each_readers_own_and_the_company_answers(
    alert: WhereaboutsAlert,
    api: Any,
    company_staff: Any,
    other_company_staff: Any,
    agent_staff: Any,
    inspector: Any,
) -> None:
    url = "/api/v1/whereabouts/alerts/"
    mine = api(company_staff).get(url).json()["results"]
    assert [(a["id"], a["kind"], a["status"]) for a in mine] == [
        (alert.pk, "not_checked_in", "open")
    ]
    assert [a["id"] for a in api(agent_staff).get(url).json()["results"]] == [alert.pk]
    assert [a["id"] for a in api(inspector).get(url).json()["results"]] == [alert.pk]
    assert api(other_company_staff).get(url).json()["results"] == []
    assert api(None).get(url).status_code in (401, 403)
    answer_url = f"{url}{alert.pk}/answer/"
    assert api(other_company_staff).post(answer_url, {"answer": "found"}).status_code == 404
    assert api(agent_staff).post(answer_url, {"answer": "found"}).status_code == 403
    bad = api(company_staff).post(answer_url, {"answer": "moved"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "whereabouts_reason_required"
    assert "reason" in bad.json()["fields"]
    invalid = api(company_staff).post(answer_url, {"answer": "gone"}, format="json")
    assert (invalid.status_code, invalid.json()["code"]) == (400, "whereabouts_invalid_answer")
    ok = api(company_staff).post(
        answer_url, {"answer": "moved", "reason": "In Jeddah"}, format="json"
    )
    assert ok.status_code == 200
    assert (ok.json()["status"], ok.json()["answer"]) == ("answered", "moved")
    again = api(company_staff).post(answer_url, {"answer": "found"}, format="json")
    assert (again.status_code, again.json()["code"]) == (
        409,
        "whereabouts_alert_already_answered",
    )
    answered = api(inspector).get(url, {"status": "answered"}).json()["results"]
    assert [a["answer_reason"] for a in answered] == ["In Jeddah"]


def test_the_api_says_where_a_pilgrim_was_last_seen(
    pilgrim_in: Any,
    check_in: Any,
    madinah_hotel: Any,
    api: Any,
    company_staff: Any,
    other_company_staff: Any,
    inspector: Any,
    now: dt.datetime,
) -> None:
    application = pilgrim_in(hours_ago=30, now=now)
    check_in(application, madinah_hotel, now - 20 * H)
    from masar.lodging.models import StayEvent

    StayEvent.objects.create(
        hotel=madinah_hotel,
        application=application,
        pilgrim=application.pilgrim,
        kind="check_in",
        occurred_at=now - 20 * H,
        client_event_id="desk-1",
        source="desk",
    )
    url = f"/api/v1/pilgrims/{application.number}/whereabouts/"
    body = api(inspector).get(url).json()
    assert body["in_kingdom"] is True
    assert {k: body["last_known"][k] for k in ("kind", "source", "city")} == {
        "kind": "check_in",
        "source": "desk",
        "city": "madinah",
    }
    assert api(company_staff).get(url).status_code == 200
    assert api(other_company_staff).get(url).status_code == 404
    passport = application.pilgrim.passport_number
    by_passport = api(inspector).get(f"/api/v1/pilgrims/{passport}/whereabouts/")
    assert by_passport.json()["application_number"] == application.number
