"""The sweep under real concurrency on PostgreSQL: two sweeps at once raise each alert once
(and one event each); an answer committed while the sweep escalates wins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.integration.models import OutboxEvent
from masar.whereabouts.models import WhereaboutsAlert
from masar.whereabouts.services import alert_answer, whereabouts_sweep
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

H = dt.timedelta(hours=1)


def test_two_sweeps_at_once_raise_each_alert_once(pilgrim_in: Any, now: dt.datetime) -> None:
    for _ in range(3):
        pilgrim_in(hours_ago=30, now=now)
    results = run_together(lambda: whereabouts_sweep(now=now), lambda: whereabouts_sweep(now=now))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.raised for r in results) == [0, 3]
    assert WhereaboutsAlert.objects.count() == 3
    assert OutboxEvent.objects.filter(type="whereabouts_alert.raised").count() == 3


def test_an_answer_and_the_escalation_at_once_leave_the_alert_answered(
    pilgrim_in: Any, now: dt.datetime, company_staff: Any
) -> None:
    pilgrim_in(hours_ago=30, now=now)
    whereabouts_sweep(now=now)
    alert = WhereaboutsAlert.objects.get()
    results = run_together(
        lambda: alert_answer(actor=company_staff, alert=alert.pk, answer="found"),
        lambda: whereabouts_sweep(now=now + 25 * H),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    alert.refresh_from_db()
    escalated = OutboxEvent.objects.filter(type="whereabouts_alert.escalated").count()
    # Either the answer came first (not escalated) or the escalation did (answered late).
    assert alert.status == "answered"
    assert alert.answered_late is bool(escalated)
    assert (alert.escalated_at is not None) is bool(escalated)
