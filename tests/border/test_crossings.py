"""Recording crossings: the verdict, entries and exits, refusals, idempotence, late events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.applications.models import Application, ApplicationTransition
from masar.border.models import Crossing, CrossingOutcome, Stay
from masar.border.services import (
    crossing_check,
    crossing_record,
    crossings_record_batch,
)
from masar.border.services.stays import kingdom_day
from masar.core.errors import Forbidden, ValidationFailed
from masar.integration.models import OutboxEvent
from masar.visas.services import visa_cancel
from tests.border.conftest import crossing, event_id

pytestmark = pytest.mark.django_db


def test_officer_records_an_entry_then_an_exit(
    visa_for: Any, posted_officer: Any, now: Any
) -> None:
    # given an issued visa
    visa = visa_for()
    entered = now - dt.timedelta(days=3)
    # when the officer records the entry and later the exit
    first = crossing_record(
        actor=posted_officer,
        port_code="JED",
        direction="entry",
        occurred_at=entered,
        client_event_id="desk-1",
        visa_number=visa.number,
    )
    second = crossing_record(
        actor=posted_officer,
        port_code="JED",
        direction="exit",
        occurred_at=now,
        client_event_id="desk-2",
        passport_number=visa.application.pilgrim.passport_number,
        nationality=visa.application.pilgrim.nationality,
    )
    # then both are accepted, the stay is kept and the application departed
    assert (first.outcome, first.refusal_code, first.created) == ("accepted", "", True)
    assert second.outcome == "accepted"
    stay = Stay.objects.get(application=visa.application)
    assert stay.entered_at == entered
    assert stay.exited_at == now
    assert stay.days_stayed == 4
    assert stay.overstay_days == 0
    assert stay.permitted_departure == min(
        kingdom_day(entered) + dt.timedelta(days=visa.stay_days - 1),
        visa.season.last_exit_date,
    )
    app = Application.objects.get(pk=visa.application_id)
    assert app.status == "departed"
    assert app.entered_at == entered
    assert app.departed_at == now
    assert app.active_passport is None
    names = list(
        ApplicationTransition.objects.filter(application=app).values_list("name", flat=True)
    )
    assert names[-2:] == ["enter", "depart"]
    assert OutboxEvent.objects.filter(type="crossing.recorded").count() == 2


def test_a_replayed_client_event_id_answers_the_stored_crossing(
    visa_for: Any, gate: Any, ports: Any, now: Any
) -> None:
    visa = visa_for()
    event = crossing(visa, "entry", now, cid="gate-7")
    first = crossings_record_batch(actor=gate, events=[event])[0]
    again = crossings_record_batch(actor=gate, events=[event, event])
    assert first.created is True
    assert [r.created for r in again] == [False, False]
    assert {r.crossing.pk for r in again} == {first.crossing.pk}
    assert Crossing.objects.count() == 1
    assert OutboxEvent.objects.filter(type="crossing.recorded").count() == 1


def test_second_entry_is_refused_already_inside(
    visa_for: Any, gate: Any, ports: Any, now: Any
) -> None:
    visa = visa_for()
    results = crossings_record_batch(
        actor=gate,
        events=[
            crossing(visa, "entry", now - dt.timedelta(hours=2)),
            crossing(visa, "entry", now - dt.timedelta(hours=1)),
        ],
    )
    assert [(r.outcome, r.refusal_code) for r in results] == [
        ("accepted", ""),
        ("refused", "already_inside"),
    ]
    assert Application.objects.get(pk=visa.application_id).status == "entered"


def test_unknown_passport_is_refused_no_visa(gate: Any, ports: Any, now: Any) -> None:
    result = crossings_record_batch(
        actor=gate,
        events=[
            {
                "client_event_id": "x1",
                "port_code": "JED",
                "direction": "entry",
                "occurred_at": now,
                "passport_number": "ZZ0000000",
                "nationality": "IDN",
            }
        ],
    )[0]
    assert (result.outcome, result.refusal_code) == ("refused", "no_visa")
    assert result.crossing.application_id is None


def test_revoked_visa_is_refused_but_an_entry_before_the_revocation_stands(
    visa_for: Any, gate: Any, ports: Any, visa_officer: Any, now: Any
) -> None:
    visa = visa_for()
    visa_cancel(actor=visa_officer, number=visa.number, reason_code="security", reason="x")
    visa.refresh_from_db()
    assert visa.revoked_at is not None
    before = crossing_check(
        actor=gate, port_code="JED", direction="entry", visa_number=visa.number, at=now
    )
    after = crossings_record_batch(
        actor=gate, events=[crossing(visa, "entry", visa.revoked_at + dt.timedelta(seconds=1))]
    )[0]
    # an entry before the revocation was allowed (the application has left `issued`)
    assert [c for c, _m in before.reasons] == ["application_not_issued"]
    assert (after.outcome, after.refusal_code) == ("refused", "visa_revoked")
    assert Application.objects.get(pk=visa.application_id).status == "cancelled"


def test_entry_outside_the_season_window_is_refused(
    visa_for: Any, gate: Any, ports: Any, now: Any
) -> None:
    visa = visa_for(days_ago=0)
    late = dt.datetime.combine(
        visa.season.last_entry_date + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC
    )
    # A late entry cannot be in the future: judge the window with crossing_check.
    verdict = crossing_check(
        actor=gate, port_code="JED", direction="entry", visa_number=visa.number, at=late
    )
    assert verdict.allowed is False
    assert [code for code, _m in verdict.reasons] == ["outside_entry_window"]
    early = now - dt.timedelta(days=3)
    result = crossings_record_batch(actor=gate, events=[crossing(visa, "entry", early)])[0]
    assert (result.outcome, result.refusal_code) == ("refused", "outside_entry_window")


def test_check_shows_the_stay_and_writes_nothing(
    visa_for: Any, posted_officer: Any, now: Any
) -> None:
    visa = visa_for()
    verdict = crossing_check(
        actor=posted_officer,
        port_code="JED",
        direction="entry",
        passport_mrz="\n".join(visa.mrz) if False else "",
        passport_number=visa.application.pilgrim.passport_number,
        nationality=visa.application.pilgrim.nationality,
    )
    assert verdict.allowed is True
    assert verdict.reasons == []
    assert verdict.pilgrim == visa.application.pilgrim
    assert verdict.permitted_departure == min(
        kingdom_day(now) + dt.timedelta(days=visa.stay_days - 1), visa.season.last_exit_date
    )
    assert Crossing.objects.count() == 0
    exit_verdict = crossing_check(
        actor=posted_officer,
        port_code="JED",
        direction="exit",
        visa_number=visa.number,
    )
    assert exit_verdict.allowed is False
    assert [c for c, _m in exit_verdict.reasons] == ["not_inside"]


def test_check_reads_the_visa_seal(visa_for: Any, posted_officer: Any) -> None:
    import base64

    from masar.visas.seal.decode import seal_bytes  # noqa: F401 - the seal text format

    visa = visa_for()
    from masar.visas.api import VisaOutput

    seal_text = VisaOutput(visa).data["seal"]
    verdict = crossing_check(
        actor=posted_officer, port_code="JED", direction="entry", seal=seal_text
    )
    assert verdict.visa == visa
    assert verdict.allowed is True
    bad = base64.b64encode(b"not a seal").decode()
    refused = crossing_check(actor=posted_officer, port_code="JED", direction="entry", seal=bad)
    assert [c for c, _m in refused.reasons] == ["seal_invalid"]


def test_officer_not_posted_to_the_port_is_refused_and_nothing_is_written(
    visa_for: Any, posted_officer: Any, now: Any
) -> None:
    visa = visa_for()
    with pytest.raises(Forbidden) as exc:
        crossing_record(
            actor=posted_officer,
            port_code="MED",
            direction="entry",
            occurred_at=now,
            client_event_id=event_id(),
            visa_number=visa.number,
        )
    assert exc.value.code == "officer_not_assigned_to_port"
    assert Crossing.objects.count() == 0


def test_company_staff_cannot_record(
    visa_for: Any, company_staff: Any, ports: Any, now: Any
) -> None:
    visa = visa_for()
    with pytest.raises(Forbidden):
        crossings_record_batch(actor=company_staff, events=[crossing(visa, "entry", now)])
    assert Crossing.objects.count() == 0


def test_a_malformed_event_refuses_the_whole_batch(
    visa_for: Any, gate: Any, ports: Any, now: Any
) -> None:
    visa = visa_for()
    bad = crossing(visa, "entry", now, port="XXX")
    with pytest.raises(ValidationFailed) as exc:
        crossings_record_batch(actor=gate, events=[crossing(visa, "entry", now), bad])
    assert exc.value.fields == {"1.port_code": ["Unknown port."]}
    assert Crossing.objects.count() == 0


def test_a_late_entry_from_an_offline_port_revises_an_earlier_answer(
    visa_for: Any, gate: Any, ports: Any, now: Any
) -> None:
    # given an exit recorded while the entry port was offline: refused, not inside
    visa = visa_for()
    entered, left = now - dt.timedelta(days=2), now - dt.timedelta(hours=1)
    exit_first = crossings_record_batch(
        actor=gate, events=[crossing(visa, "exit", left, port="HADITHA")]
    )[0]
    assert exit_first.refusal_code == "not_inside"
    # when the entry arrives late, with its original time
    late = crossings_record_batch(actor=gate, events=[crossing(visa, "entry", entered)])[0]
    # then the journey is applied in time order: entered, then departed
    exit_first.crossing.refresh_from_db()
    assert late.outcome == "accepted"
    assert exit_first.crossing.outcome == CrossingOutcome.ACCEPTED
    stay = Stay.objects.get(application=visa.application)
    assert (stay.entered_at, stay.exited_at) == (entered, left)
    app = Application.objects.get(pk=visa.application_id)
    assert (app.status, app.entered_at, app.departed_at) == ("departed", entered, left)
    assert OutboxEvent.objects.filter(type="crossing.revised").count() == 1


def test_a_time_without_offset_or_in_the_future_is_refused(
    visa_for: Any, gate: Any, ports: Any, now: Any
) -> None:
    visa = visa_for()
    with pytest.raises(ValidationFailed) as exc:
        crossings_record_batch(
            actor=gate,
            events=[
                crossing(visa, "entry", now + dt.timedelta(hours=1)),
                {**crossing(visa, "entry", now), "occurred_at": "2026-01-01T10:00:00"},
            ],
        )
    assert set(exc.value.fields) == {"0.occurred_at", "1.occurred_at"}
