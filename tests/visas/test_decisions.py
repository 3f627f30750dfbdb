"""The consular decision: visa officers approve or reject, one by one and in bulk; the
queue is oldest first with its service-level due time; nobody else may decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from masar.applications.models import Application, ApplicationTransition
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.integration.models import OutboxEvent as Event
from masar.seasons.models import Quota
from masar.visas import selectors
from masar.visas.models import RejectionReason
from masar.visas.services import application_decide, applications_decide

pytestmark = pytest.mark.django_db


def test_an_officer_approves_and_the_decision_is_recorded(
    in_decision: Any, visa_officer: Any
) -> None:
    # given an application awaiting the decision
    app = in_decision()
    # when a visa officer approves it
    application_decide(actor=visa_officer, application_id=app.pk, decision="approve")
    # then it is approved by hand, with its decision time, log and event
    app.refresh_from_db()
    assert (app.status, app.decided_automatically) == ("approved", False)
    assert app.decided_at is not None and app.decided_at >= app.submitted_at
    log = ApplicationTransition.objects.get(application=app, name="approve")
    assert (log.actor_id, log.details) == (visa_officer.pk, {"automatic": False})
    event = Event.objects.filter(type="application.decided").order_by("-pk").first()
    assert event is not None
    assert (event.payload["to"], event.payload["automatic"]) == ("approved", False)


def test_a_refusal_needs_a_coded_reason_and_gives_the_quota_back(
    in_decision: Any, visa_officer: Any, quotas: Any
) -> None:
    app = in_decision()
    used = Quota.objects.get(pk=quotas["company"].pk).used
    with pytest.raises(ValidationFailed) as missing:
        application_decide(actor=visa_officer, application_id=app.pk, decision="reject")
    assert missing.value.code == "invalid_reason_code"
    with pytest.raises(ValidationFailed) as unexplained:
        application_decide(
            actor=visa_officer, application_id=app.pk, decision="reject", reason_code="other"
        )
    assert unexplained.value.code == "reason_required"
    app.refresh_from_db()
    assert app.status == "decision"
    # when refused with a code
    application_decide(
        actor=visa_officer, application_id=app.pk, decision="reject", reason_code="documents"
    )
    app.refresh_from_db()
    assert app.status == "rejected"
    assert app.status_reason == str(RejectionReason.DOCUMENTS.label)
    log = ApplicationTransition.objects.get(application=app, name="reject")
    assert log.details == {"automatic": False, "reason_code": "documents"}
    assert Quota.objects.get(pk=quotas["company"].pk).used == used - 1


@pytest.mark.parametrize(
    "who", ["security_analyst", "company_staff", "agent_staff", "licensing_officer"]
)
def test_only_visa_officers_decide(in_decision: Any, who: str, request: Any) -> None:
    app = in_decision()
    actor = request.getfixturevalue(who)
    with pytest.raises(Forbidden) as refused:
        application_decide(actor=actor, application_id=app.pk, decision="approve")
    assert refused.value.code == "visas_not_allowed"
    app.refresh_from_db()
    assert (app.status, app.decided_at) == ("decision", None)


def test_an_application_not_awaiting_the_decision_is_refused(
    make_draft: Any, visa_officer: Any
) -> None:
    app = make_draft()
    with pytest.raises(Conflict) as refused:
        application_decide(actor=visa_officer, application_id=app.pk, decision="approve")
    assert (refused.value.code, refused.value.fields) == (
        "application_not_awaiting_decision",
        {"status": ["draft"]},
    )
    app.refresh_from_db()
    assert app.status == "draft"


def test_bulk_decides_what_it_can_and_says_why_for_the_others(
    in_decision: Any, make_draft: Any, visa_officer: Any
) -> None:
    first, second = in_decision(), in_decision()
    draft = make_draft()
    batch = applications_decide(
        actor=visa_officer,
        application_ids=[first.pk, second.pk, draft.pk, 999_999],
        decision="approve",
    )
    assert batch.decided == [first.pk, second.pk]
    assert set(batch.refused) == {draft.pk, 999_999}
    assert batch.refused[draft.pk]["code"] == "application_not_awaiting_decision"
    assert batch.refused[999_999]["code"] == "application_not_found"
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk], statuses[draft.pk]) == (
        "approved",
        "approved",
        "draft",
    )


def test_bulk_with_nothing_selected_is_refused(visa_officer: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        applications_decide(actor=visa_officer, application_ids=[], decision="approve")
    assert refused.value.code == "nothing_selected"


def test_the_queue_is_oldest_first_with_the_due_time(in_decision: Any, visa_officer: Any) -> None:
    newer, older = in_decision(), in_decision()
    now = timezone.now()
    Application.objects.filter(pk=older.pk).update(screened_at=now - dt.timedelta(hours=30))
    Application.objects.filter(pk=newer.pk).update(screened_at=now - dt.timedelta(hours=2))
    older.group.season.rules.decision_sla_hours = 12
    older.group.season.rules.save(update_fields=["decision_sla_hours"])
    queue = list(selectors.decision_queue(visa_officer))
    assert [a.pk for a in queue] == [older.pk, newer.pk]
    assert selectors.waiting_due(queue[0]) == now - dt.timedelta(hours=30) + dt.timedelta(hours=12)


def test_the_queue_is_empty_for_everyone_but_the_foreign_ministry(
    in_decision: Any, company_staff: Any, security_analyst: Any
) -> None:
    in_decision()
    assert list(selectors.decision_queue(company_staff)) == []
    assert list(selectors.decision_queue(security_analyst)) == []


def test_decision_statistics_count_the_automatic_share(in_decision: Any, visa_officer: Any) -> None:
    manual, automatic = in_decision(), in_decision()
    application_decide(actor=visa_officer, application_id=manual.pk, decision="approve")
    Application.objects.filter(pk=automatic.pk).update(
        status="approved", decided_at=timezone.now(), decided_automatically=True
    )
    stats = selectors.decision_stats(visa_officer)
    assert (stats["decided"], stats["automatic"], stats["automatic_share"]) == (2, 1, 0.5)
    assert stats["mean_hours_to_decision"] is not None
