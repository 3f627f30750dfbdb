"""The stay calculator at the boundaries (kingdom-local days) and the overstay sweep:
set-based, idempotent, closed by a late exit; escape notices."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from masar.applications.models import Application, ApplicationTransition
from masar.border.models import EscapeNotice, Overstay, Stay
from masar.border.services import (
    crossings_record_batch,
    escape_notice_file,
    overstay_sweep,
)
from masar.core.dates import riyadh_today
from masar.core.errors import Conflict, Forbidden, NotFound
from masar.integration.models import OutboxEvent
from masar.visas.models import Visa
from tests.border.conftest import crossing

pytestmark = pytest.mark.django_db

RIYADH = ZoneInfo("Asia/Riyadh")
STAY_DAYS = 5


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=RIYADH)


@pytest.fixture
def entry_day() -> dt.date:
    return riyadh_today() - dt.timedelta(days=10)


@pytest.fixture
def entered(visa_for: Any, gate: Any, ports: Any, entry_day: dt.date) -> Visa:
    """A pilgrim who entered 10 days ago at 10:00 Riyadh time on a 5-day stay: the
    permitted departure is entry day + 4."""
    visa = visa_for(days_ago=20)
    Visa.objects.filter(pk=visa.pk).update(stay_days=STAY_DAYS)
    visa.refresh_from_db()
    result = crossings_record_batch(
        actor=gate, events=[crossing(visa, "entry", local(entry_day, 10))]
    )[0]
    assert result.outcome == "accepted"
    assert result.stay is not None
    assert result.stay.permitted_departure == entry_day + dt.timedelta(days=STAY_DAYS - 1)
    return visa


def test_departure_at_23_30_riyadh_on_the_last_day_is_in_time(
    entered: Visa, gate: Any, entry_day: dt.date
) -> None:
    last_day = entry_day + dt.timedelta(days=STAY_DAYS - 1)
    # 23:30 in Riyadh is 20:30 UTC the same day
    crossings_record_batch(actor=gate, events=[crossing(entered, "exit", local(last_day, 23, 30))])
    stay = Stay.objects.get(application=entered.application)
    assert (stay.days_stayed, stay.overstay_days) == (STAY_DAYS, 0)


def test_departure_at_00_30_riyadh_the_next_day_is_one_day_late_though_utc_says_same_day(
    entered: Visa, gate: Any, entry_day: dt.date
) -> None:
    next_day = entry_day + dt.timedelta(days=STAY_DAYS)
    moment = local(next_day, 0, 30)
    assert moment.astimezone(dt.UTC).date() == next_day - dt.timedelta(days=1)
    crossings_record_batch(actor=gate, events=[crossing(entered, "exit", moment)])
    stay = Stay.objects.get(application=entered.application)
    assert (stay.days_stayed, stay.overstay_days) == (STAY_DAYS + 1, 1)


def test_sweep_on_the_last_day_finds_nobody_and_the_next_day_finds_the_overstayer(
    entered: Visa, entry_day: dt.date
) -> None:
    last_day = entry_day + dt.timedelta(days=STAY_DAYS - 1)
    assert overstay_sweep(as_of=last_day).detected == 0
    assert Overstay.objects.count() == 0
    result = overstay_sweep(as_of=last_day + dt.timedelta(days=1))
    assert result.detected == 1
    overstay = Overstay.objects.get()
    app = Application.objects.get(pk=entered.application_id)
    assert app.status == "overstayed"
    assert overstay.permitted_departure == last_day
    assert overstay.detected_on == last_day + dt.timedelta(days=1)
    assert overstay.notice_due_at == overstay.detected_at + dt.timedelta(hours=24)
    assert overstay.status == "open"
    # The copies the database does not check (ADR 0079) are the stay's own, which it does.
    stay = overstay.stay
    assert (overstay.application_id, overstay.season_id, overstay.company_id) == (
        stay.application_id,
        stay.season_id,
        stay.company_id,
    )
    assert overstay.agent_id == stay.agent_id
    log = ApplicationTransition.objects.filter(application=app, name="overstay").get()
    assert (log.from_status, log.to_status, log.actor_id) == ("entered", "overstayed", None)
    detected = OutboxEvent.objects.get(type="overstay.detected")
    assert detected.payload == {
        "overstay_id": overstay.pk,
        "application_id": app.pk,
        "application_number": app.number,
        "company_id": app.company_id,
        "agent_id": app.agent_id,
        "season_id": app.season_id,
        "nationality": app.pilgrim.nationality,
        "permitted_departure": last_day.isoformat(),
        "detected_on": (last_day + dt.timedelta(days=1)).isoformat(),
        "notice_due_at": detected.payload["notice_due_at"],
    }
    assert detected.organizations == sorted(
        [app.agent.organization_id, app.company.organization_id]
    )
    moved = OutboxEvent.objects.get(type="application.overstayed")
    assert moved.payload["from"] == "entered"
    assert moved.payload["to"] == "overstayed"
    assert moved.subject_id == str(app.pk)


def test_sweep_is_idempotent(entered: Visa, entry_day: dt.date) -> None:
    day = entry_day + dt.timedelta(days=STAY_DAYS)
    first = overstay_sweep(as_of=day)
    second = overstay_sweep(as_of=day)
    third = overstay_sweep(as_of=day + dt.timedelta(days=3))
    assert (first.detected, second.detected, third.detected) == (1, 0, 0)
    assert Overstay.objects.count() == 1
    assert OutboxEvent.objects.filter(type="overstay.detected").count() == 1
    assert ApplicationTransition.objects.filter(name="overstay").count() == 1


def test_sweep_leaves_those_who_left_and_those_still_in_time(
    visa_for: Any, gate: Any, ports: Any, entry_day: dt.date
) -> None:
    visas = [visa_for(days_ago=20) for _ in range(3)]
    Visa.objects.filter(pk__in=[v.pk for v in visas]).update(stay_days=STAY_DAYS)
    left, overstayer, long_stay = (Visa.objects.get(pk=v.pk) for v in visas)
    Visa.objects.filter(pk=long_stay.pk).update(stay_days=60)
    long_stay.refresh_from_db()
    crossings_record_batch(
        actor=gate,
        events=[
            crossing(left, "entry", local(entry_day, 9)),
            crossing(left, "exit", local(entry_day + dt.timedelta(days=2), 9)),
            crossing(overstayer, "entry", local(entry_day, 9)),
            crossing(long_stay, "entry", local(entry_day, 9)),
        ],
    )
    assert overstay_sweep(as_of=riyadh_today()).detected == 1
    assert list(Overstay.objects.values_list("application_id", flat=True)) == [
        overstayer.application_id
    ]


def test_a_late_exit_closes_the_overstay_with_the_days_overstayed(
    entered: Visa, gate: Any, entry_day: dt.date
) -> None:
    overstay_sweep(as_of=entry_day + dt.timedelta(days=STAY_DAYS))
    left = local(entry_day + dt.timedelta(days=STAY_DAYS + 2), 8)
    crossings_record_batch(actor=gate, events=[crossing(entered, "exit", left)])
    overstay = Overstay.objects.get()
    assert (overstay.status, overstay.days_overstayed) == ("closed", 3)
    app = Application.objects.get(pk=entered.application_id)
    assert (app.status, app.departed_at) == ("departed", left)
    closed = OutboxEvent.objects.get(type="overstay.closed")
    assert closed.payload["days_overstayed"] == 3


def test_a_late_batch_showing_an_exit_in_time_closes_the_overstay_with_zero_days(
    entered: Visa, gate: Any, entry_day: dt.date
) -> None:
    overstay_sweep(as_of=entry_day + dt.timedelta(days=STAY_DAYS))
    in_time = local(entry_day + dt.timedelta(days=2), 8)
    crossings_record_batch(actor=gate, events=[crossing(entered, "exit", in_time, port="BATHA")])
    overstay = Overstay.objects.get()
    assert (overstay.status, overstay.days_overstayed) == ("closed", 0)


def test_the_command_sweeps(entered: Visa, entry_day: dt.date, capsys: Any) -> None:
    day = entry_day + dt.timedelta(days=STAY_DAYS)
    call_command("overstay", "sweep", "--as-of", day.isoformat())
    call_command("overstay", "sweep", "--as-of", day.isoformat())
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"as of {day.isoformat()}: 1 new overstay(s)",
        f"as of {day.isoformat()}: 0 new overstay(s)",
    ]


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", b"%PDF-1.4 police report", "application/pdf")


def test_company_files_an_escape_notice_in_time(
    entered: Visa, entry_day: dt.date, company_staff: Any
) -> None:
    overstay_sweep(as_of=entry_day + dt.timedelta(days=STAY_DAYS))
    overstay = Overstay.objects.get()
    notice = escape_notice_file(
        actor=company_staff, overstay=overstay, statement="Left the hotel.", evidence=_evidence()
    )
    overstay.refresh_from_db()
    assert notice.late is False
    assert overstay.escape_notice_filed_at == notice.filed_at
    event = OutboxEvent.objects.get(type="escape_notice.filed")
    assert event.payload["late"] is False
    with pytest.raises(Conflict):
        escape_notice_file(
            actor=company_staff, overstay=overstay, statement="again", evidence=_evidence()
        )
    assert EscapeNotice.objects.count() == 1


def test_a_notice_after_the_deadline_is_late(
    entered: Visa, entry_day: dt.date, company_staff: Any
) -> None:
    overstay_sweep(as_of=entry_day + dt.timedelta(days=STAY_DAYS))
    overstay = Overstay.objects.get()
    Overstay.objects.filter(pk=overstay.pk).update(
        notice_due_at=overstay.detected_at - dt.timedelta(hours=1)
    )
    notice = escape_notice_file(
        actor=company_staff, overstay=overstay, statement="Late.", evidence=_evidence()
    )
    assert notice.late is True


def test_another_company_cannot_file_and_nothing_changes(
    entered: Visa, entry_day: dt.date, other_company_staff: Any, agent_staff: Any
) -> None:
    overstay_sweep(as_of=entry_day + dt.timedelta(days=STAY_DAYS))
    overstay = Overstay.objects.get()
    with pytest.raises(NotFound):
        escape_notice_file(
            actor=other_company_staff, overstay=overstay, statement="x", evidence=_evidence()
        )
    with pytest.raises(Forbidden):
        escape_notice_file(
            actor=agent_staff, overstay=overstay, statement="x", evidence=_evidence()
        )
    overstay.refresh_from_db()
    assert overstay.escape_notice_filed_at is None
    assert EscapeNotice.objects.count() == 0


def test_an_application_that_left_entered_after_the_candidates_were_read_is_not_swept(
    visa_for: Any, gate: Any, ports: Any, entry_day: dt.date
) -> None:
    # given two overstayers, one of whose applications leaves `entered` between the sweep's
    # reading of its candidates and its UPDATE (as a committed exit would)
    visas = [visa_for(days_ago=20) for _ in range(2)]
    Visa.objects.filter(pk__in=[v.pk for v in visas]).update(stay_days=STAY_DAYS)
    crossings_record_batch(
        actor=gate,
        events=[crossing(Visa.objects.get(pk=v.pk), "entry", local(entry_day, 9)) for v in visas],
    )
    gone, stays = visas[0].application_id, visas[1].application_id

    def meanwhile(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().startswith("UPDATE applications_application SET status"):
            Application.objects.filter(pk=gone).update(status="departed")
        return execute(sql, params, many, context)

    # when the sweep runs
    with connection.execute_wrapper(meanwhile):
        result = overstay_sweep(as_of=riyadh_today())

    # then only the other one is detected, with exactly its own record, log and events
    assert result.detected == 1
    assert list(Overstay.objects.values_list("application_id", flat=True)) == [stays]
    assert Application.objects.get(pk=gone).status == "departed"
    assert Application.objects.get(pk=stays).status == "overstayed"
    assert list(
        ApplicationTransition.objects.filter(name="overstay").values_list(
            "application_id", flat=True
        )
    ) == [stays]
    assert sorted(
        OutboxEvent.objects.filter(type="overstay.detected").values_list("subject_id", flat=True)
    ) == [str(Overstay.objects.get().pk)]
    assert list(
        OutboxEvent.objects.filter(type="application.overstayed").values_list(
            "subject_id", flat=True
        )
    ) == [str(stays)]
