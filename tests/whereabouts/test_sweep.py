"""The whereabouts sweep: each kind of alert, idempotence, closing, escalation, its events,
the command and the schedule."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from masar.border.models import Stay
from masar.core.schedule import schedule_tick
from masar.integration.models import OutboxEvent
from masar.whereabouts.models import WhereaboutsAlert
from masar.whereabouts.services import whereabouts_sweep
from tests.applications.factories import GroupFactory
from tests.lodging.factories import TripFactory, TripPassengerFactory

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def alerts() -> list[tuple[int, str, str]]:
    return sorted(WhereaboutsAlert.objects.values_list("application_id", "kind", "status"))


def events(name: str) -> list[dict[str, Any]]:
    return [e.payload for e in OutboxEvent.objects.filter(type=name).order_by("id")]


def test_a_pilgrim_not_checked_in_a_day_after_entry_is_alerted_once(
    pilgrim_in: Any, now: dt.datetime, company: Any, agent: Any
) -> None:
    late = pilgrim_in(hours_ago=30, now=now)
    pilgrim_in(hours_ago=10, now=now)  # still within the day
    result = whereabouts_sweep(now=now)
    assert (result.raised, result.by_kind) == (1, {"not_checked_in": 1})
    alert = WhereaboutsAlert.objects.get()
    assert (alert.application_id, alert.kind, alert.status) == (late.pk, "not_checked_in", "open")
    assert alert.pilgrim_id == late.pilgrim_id
    assert (alert.company_id, alert.agent_id) == (company.pk, agent.pk)
    assert alert.deadline == now + 24 * H
    [event] = OutboxEvent.objects.filter(type="whereabouts_alert.raised")
    assert event.payload["alert_id"] == alert.pk
    assert event.payload["application_number"] == late.number
    assert event.payload["kind"] == "not_checked_in"
    assert event.payload["hotel_id"] is None
    assert sorted(event.organizations) == sorted([company.organization_id, agent.organization_id])
    assert event.ministries == ["mohu", "moi"]
    again = whereabouts_sweep(now=now)
    assert (again.raised, again.closed, again.escalated) == (0, 0, 0)
    assert WhereaboutsAlert.objects.count() == 1
    assert OutboxEvent.objects.filter(type="whereabouts_alert.raised").count() == 1


def test_a_pilgrim_checked_in_or_on_a_package_without_plan_is_not_alerted(
    pilgrim_in: Any, check_in: Any, madinah_hotel: Any, now: dt.datetime, company: Any
) -> None:
    lodged = pilgrim_in(hours_ago=30, now=now)
    check_in(lodged, madinah_hotel, now - 28 * H)
    pilgrim_in(hours_ago=30, now=now, group=GroupFactory(company=company))  # no plan
    assert whereabouts_sweep(now=now).raised == 0


def test_a_check_in_closes_the_alert_as_resolved_and_an_exit_as_left(
    pilgrim_in: Any, check_in: Any, madinah_hotel: Any, now: dt.datetime
) -> None:
    found = pilgrim_in(hours_ago=30, now=now)
    gone = pilgrim_in(hours_ago=30, now=now)
    whereabouts_sweep(now=now)
    check_in(found, madinah_hotel, now + H)
    Stay.objects.filter(application=gone).update(exited_at=now + H)
    result = whereabouts_sweep(now=now + 2 * H)
    assert (result.raised, result.closed) == (0, 2)
    closed = dict(WhereaboutsAlert.objects.values_list("application_id", "closed_reason"))
    assert closed == {found.pk: "resolved", gone.pk: "left"}
    assert set(WhereaboutsAlert.objects.values_list("status", flat=True)) == {"closed"}
    assert sorted(e["closed_reason"] for e in events("whereabouts_alert.closed")) == [
        "left",
        "resolved",
    ]
    # The condition returning later raises a new alert: the closed one is history.
    Stay.objects.filter(application=found).update(exited_at=None)
    found.hotel_stays.update(checked_out_at=now + 3 * H)
    result = whereabouts_sweep(now=now + 16 * H)
    assert result.by_kind == {"checked_out_no_onward": 1}


def test_checked_out_with_nowhere_to_go_after_the_onward_hours(
    pilgrim_in: Any, check_in: Any, makkah_hotel: Any, madinah_hotel: Any, now: dt.datetime
) -> None:
    stranded = pilgrim_in(hours_ago=72, now=now)
    check_in(stranded, makkah_hotel, now - 70 * H, out=now - 13 * H)
    boarded = pilgrim_in(hours_ago=72, now=now)
    check_in(boarded, makkah_hotel, now - 70 * H, out=now - 13 * H)
    TripPassengerFactory(
        application=boarded, trip=TripFactory(to_city="madinah"), boarded_at=now - 12 * H
    )
    moved_on = pilgrim_in(hours_ago=72, now=now)
    check_in(moved_on, makkah_hotel, now - 70 * H, out=now - 13 * H)
    check_in(moved_on, madinah_hotel, now - 8 * H)
    recent = pilgrim_in(hours_ago=72, now=now)
    check_in(recent, makkah_hotel, now - 70 * H, out=now - 2 * H)
    result = whereabouts_sweep(now=now)
    assert alerts() == [(stranded.pk, "checked_out_no_onward", "open")]
    alert = WhereaboutsAlert.objects.get()
    assert (alert.city, alert.hotel_id) == ("makkah", makkah_hotel.pk)
    assert result.raised == 1


def test_staying_past_the_planned_nights_from_the_day_after_the_planned_check_out(
    pilgrim_in: Any, check_in: Any, makkah_hotel: Any, planned_group: Any, now: dt.datetime
) -> None:
    """Makkah is planned for the first three nights of a group that arrived four days ago:
    a pilgrim still checked in there today has overstayed the hotel."""
    stays_on = pilgrim_in(hours_ago=90, now=now)
    check_in(stays_on, makkah_hotel, now - 88 * H)
    whereabouts_sweep(now=now)
    assert alerts() == [(stays_on.pk, "past_planned_nights", "open")]
    # Had the Makkah nights run to today, nothing would be due.
    planned_group.planned_stays.filter(hotel=makkah_hotel).update(check_out=timezone.localdate(now))
    result = whereabouts_sweep(now=now + H)
    assert (result.raised, result.closed) == (0, 1)


def test_seen_in_a_city_not_on_the_plan_at_a_hotel_or_off_a_trip(
    pilgrim_in: Any, check_in: Any, taif_hotel: Any, madinah_hotel: Any, now: dt.datetime
) -> None:
    in_taif = pilgrim_in(hours_ago=50, now=now)
    check_in(in_taif, taif_hotel, now - 40 * H)
    to_yanbu = pilgrim_in(hours_ago=50, now=now)
    check_in(to_yanbu, madinah_hotel, now - 45 * H, out=now - 5 * H)
    TripPassengerFactory(
        application=to_yanbu,
        trip=TripFactory(from_city="madinah", to_city="yanbu"),
        boarded_at=now - 4 * H,
    )
    on_plan = pilgrim_in(hours_ago=50, now=now)
    check_in(on_plan, madinah_hotel, now - 45 * H, out=now - 5 * H)
    TripPassengerFactory(
        application=on_plan,
        trip=TripFactory(from_city="madinah", to_city="makkah"),
        boarded_at=now - 4 * H,
    )
    whereabouts_sweep(now=now)
    assert alerts() == [
        (in_taif.pk, "off_plan_city", "open"),
        (to_yanbu.pk, "off_plan_city", "open"),
    ]
    cities = dict(WhereaboutsAlert.objects.values_list("application_id", "city"))
    assert cities == {in_taif.pk: "taif", to_yanbu.pk: "yanbu"}


def test_unanswered_alerts_are_escalated_once_after_the_deadline(
    pilgrim_in: Any, now: dt.datetime, company_staff: Any
) -> None:
    from masar.whereabouts.services import alert_answer

    silent = pilgrim_in(hours_ago=30, now=now)
    answered = pilgrim_in(hours_ago=30, now=now)
    whereabouts_sweep(now=now)
    alert_answer(
        actor=company_staff,
        alert=WhereaboutsAlert.objects.get(application=answered).pk,
        answer="found",
    )
    assert whereabouts_sweep(now=now + 23 * H).escalated == 0
    result = whereabouts_sweep(now=now + 25 * H)
    assert result.escalated == 1
    alert = WhereaboutsAlert.objects.get(application=silent)
    assert (alert.status, alert.escalated_at) == ("escalated", now + 25 * H)
    [payload] = events("whereabouts_alert.escalated")
    assert (payload["alert_id"], payload["kind"]) == (alert.pk, "not_checked_in")
    assert whereabouts_sweep(now=now + 26 * H).escalated == 0
    assert WhereaboutsAlert.objects.get(application=answered).status == "answered"


def test_the_command_and_the_schedule_run_the_sweep(pilgrim_in: Any, now: dt.datetime) -> None:
    pilgrim_in(hours_ago=30)
    out = StringIO()
    moment = timezone.localtime(now).replace(tzinfo=None).isoformat()
    call_command("whereabouts", "sweep", "--as-of", moment, stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["raised"], summary["by_kind"]) == (1, {"not_checked_in": 1})
    results = schedule_tick(only={"whereabouts.sweep"})
    assert results["whereabouts.sweep"]["raised"] == 0
    assert WhereaboutsAlert.objects.count() == 1
