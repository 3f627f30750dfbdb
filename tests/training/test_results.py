from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from masar.core.dates import riyadh_today
from masar.core.errors import Conflict, Forbidden, Unprocessable, ValidationFailed
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.training.models import (
    AttendanceRecord,
    Certificate,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionStatus,
)
from masar.training.services import (
    attendance_record,
    enrolment_create,
    scores_record,
    session_close,
    session_sheet_import,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company, company_supervisor, session):
    staff = [
        UserFactory(
            organization=company.organization,
            username=f"staff{i}",
            first_name="Staff",
            last_name=f"Number {i}",
            roles=["company_staff"],
        )
        for i in range(1, 4)
    ]
    for person in staff:
        enrolment_create(actor=company_supervisor, session=session, person=person)
    return staff


def _marks(session: Session) -> dict[tuple[str, dt.date], bool]:
    return {
        (r.enrolment.person.username, r.day): r.present
        for r in AttendanceRecord.objects.filter(enrolment__session=session).select_related(
            "enrolment__person"
        )
    }


def test_trainer_records_a_day_for_everyone_at_once(trainer, session, people):
    day = session.starts_on
    result = attendance_record(
        actor=trainer,
        session=session,
        day=day,
        marks={people[0].pk: True, people[1].pk: False, people[2].pk: True},
    )
    assert result == (2, 1)
    assert _marks(session) == {("staff1", day): True, ("staff2", day): False, ("staff3", day): True}
    # Recording the day again corrects it, without a second row.
    attendance_record(actor=trainer, session=session, day=day, marks={people[1].pk: True})
    assert _marks(session)[("staff2", day)] is True
    assert AttendanceRecord.objects.count() == 3
    event = OutboxEvent.objects.filter(type="training.attendance_recorded").last()
    assert event.payload == {
        "session_id": session.pk,
        "day": day.isoformat(),
        "present": 1,
        "absent": 0,
    }


def test_attendance_refuses_other_days_future_days_and_strangers(
    trainer, session, people, company_staff
):
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as refusal:
        attendance_record(
            actor=trainer,
            session=session,
            day=session.starts_on - dt.timedelta(days=1),
            marks={people[0].pk: True},
        )
    assert refusal.value.code == "not_a_session_day"
    Session.objects.filter(pk=session.pk).update(ends_on=riyadh_today() + dt.timedelta(days=1))
    session.refresh_from_db()
    with pytest.raises(Unprocessable) as refusal:
        attendance_record(
            actor=trainer, session=session, day=session.ends_on, marks={people[0].pk: True}
        )
    assert refusal.value.code == "attendance_day_in_future"
    with pytest.raises(ValidationFailed) as refusal, translation.override("en"):
        attendance_record(
            actor=trainer,
            session=session,
            day=session.starts_on,
            marks={people[0].pk: True, company_staff.pk: True},
        )
    assert refusal.value.code == "not_enrolled_in_session"
    assert refusal.value.fields == {"marks": [f"Not enrolled: {company_staff.pk}"]}
    assert AttendanceRecord.objects.count() == 0
    assert AuditEntry.objects.count() == audit


def test_only_the_sessions_trainer_records(other_trainer, company_supervisor, session, people):
    for actor in (other_trainer, company_supervisor):
        with pytest.raises(Forbidden) as refusal:
            attendance_record(
                actor=actor, session=session, day=session.starts_on, marks={people[0].pk: True}
            )
        assert refusal.value.code == "training_not_allowed"
        with pytest.raises(Forbidden):
            scores_record(actor=actor, session=session, scores={people[0].pk: Decimal(90)})
    assert AttendanceRecord.objects.count() == 0
    assert not Enrolment.objects.filter(score__isnull=False).exists()


def test_scores_are_percentages(trainer, session, people):
    assert (
        scores_record(actor=trainer, session=session, scores={people[0].pk: Decimal("85.5")}) == 1
    )
    with pytest.raises(ValidationFailed) as refusal:
        scores_record(
            actor=trainer,
            session=session,
            scores={people[1].pk: Decimal("70"), people[2].pk: Decimal("101")},
        )
    assert refusal.value.code == "invalid_score"
    scores = dict(Enrolment.objects.values_list("person__username", "score"))
    assert scores == {"staff1": Decimal("85.50"), "staff2": None, "staff3": None}


def test_closing_applies_the_course_rules_and_issues_certificates(
    trainer, session, people, django_capture_on_commit_callbacks
):
    first, second = session.days()
    # staff1: both days, 90 -> completes. staff2: one day of two (50% < 100%) -> not.
    # staff3: both days, 60 < pass mark 70 -> not.
    attendance_record(
        actor=trainer,
        session=session,
        day=first,
        marks={people[0].pk: True, people[1].pk: True, people[2].pk: True},
    )
    attendance_record(
        actor=trainer,
        session=session,
        day=second,
        marks={people[0].pk: True, people[1].pk: False, people[2].pk: True},
    )
    scores_record(
        actor=trainer,
        session=session,
        scores={people[0].pk: Decimal(90), people[1].pk: Decimal(95), people[2].pk: Decimal(60)},
    )
    result = session_close(actor=trainer, session=session)
    assert (result.completed, result.not_completed) == (1, 2)
    outcome = {
        e.person.username: (e.status, e.attendance_pct)
        for e in Enrolment.objects.select_related("person")
    }
    assert outcome == {
        "staff1": ("completed", Decimal("100.00")),
        "staff2": ("not_completed", Decimal("50.00")),
        "staff3": ("not_completed", Decimal("100.00")),
    }
    certificate = Certificate.objects.get()
    assert certificate.holder == people[0]
    assert certificate.holder_name_en == "Staff Number 1"
    assert certificate.issued_on == riyadh_today()
    assert certificate.valid_until is not None
    assert (certificate.valid_until.year - certificate.issued_on.year) * 12 + (
        certificate.valid_until.month - certificate.issued_on.month
    ) == 24
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    assert OutboxEvent.objects.filter(type="training.certificate_issued").count() == 1
    assert OutboxEvent.objects.get(type="training.session_closed").payload["completed"] == 1
    # Final means final.
    with pytest.raises(Conflict) as refusal:
        attendance_record(actor=trainer, session=session, day=first, marks={people[1].pk: True})
    assert refusal.value.code == "session_closed"
    with pytest.raises(Conflict):
        session_close(actor=trainer, session=session)
    assert Certificate.objects.count() == 1


def test_closing_releases_the_waiting_list(trainer, company, company_supervisor, session, people):
    waiting = UserFactory(organization=company.organization, roles=["company_staff"])
    assert (
        enrolment_create(actor=company_supervisor, session=session, person=waiting).status
        == EnrolmentStatus.WAITLISTED
    )
    session_close(actor=trainer, session=session)
    assert Enrolment.objects.get(person=waiting).status == "cancelled"
    session.refresh_from_db()
    assert session.waitlisted_count == 0


def test_a_session_cannot_close_before_its_last_day(trainer, session, people):
    Session.objects.filter(pk=session.pk).update(ends_on=riyadh_today() + dt.timedelta(days=1))
    session.refresh_from_db()
    with pytest.raises(Conflict) as refusal:
        session_close(actor=trainer, session=session)
    assert refusal.value.code == "session_not_finished"
    assert Enrolment.objects.filter(status="enrolled").count() == 3
    assert not Certificate.objects.exists()


def test_a_course_without_assessment_needs_attendance_only(trainer, session, people, course):
    course.pass_mark = None
    course.attendance_required_pct = 50
    course.save()
    attendance_record(
        actor=trainer, session=session, day=session.starts_on, marks={people[0].pk: True}
    )
    result = session_close(actor=trainer, session=session)
    assert (result.completed, result.not_completed) == (1, 2)


def _csv(session: Session, rows: list[str], header: str | None = None) -> bytes:
    first, second = session.days()
    head = header or f"username,{first.isoformat()},{second.isoformat()},score"
    return ("\n".join([head, *rows]) + "\n").encode()


def test_import_a_sheet_of_attendance_and_scores(trainer, session, people):
    content = _csv(session, ["staff1,1,1,88", "STAFF2,yes,no,", "staff3,حاضر,غائب,71.5"])
    result = session_sheet_import(actor=trainer, session=session, content=content)
    assert (result.rows, result.attendance_marks, result.scores) == (3, 6, 2)
    first, second = session.days()
    assert _marks(session) == {
        ("staff1", first): True,
        ("staff1", second): True,
        ("staff2", first): True,
        ("staff2", second): False,
        ("staff3", first): True,
        ("staff3", second): False,
    }
    assert dict(Enrolment.objects.values_list("person__username", "score")) == {
        "staff1": Decimal("88.00"),
        "staff2": None,
        "staff3": Decimal("71.50"),
    }


def test_a_sheet_with_errors_imports_nothing_and_names_each_error(trainer, session, people):
    content = _csv(
        session,
        ["staff1,1,1,88", "stranger,1,1,50", "staff2,maybe,1,70", "staff3,1,1,120"],
    )
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as refusal, translation.override("en"):
        session_sheet_import(actor=trainer, session=session, content=content)
    assert refusal.value.code == "invalid_import"
    first = session.starts_on.isoformat()
    assert refusal.value.fields == {
        "row 3.username": ["stranger is not enrolled in this session."],
        f"row 4.{first}": ["Write 1 (present) or 0 (absent), not maybe."],
        "row 5.score": ["A score is a percentage from 0 to 100, not 120."],
    }
    assert AttendanceRecord.objects.count() == 0
    assert not Enrolment.objects.filter(score__isnull=False).exists()
    assert AuditEntry.objects.count() == audit


def test_a_sheet_without_username_or_with_strange_columns_is_refused(trainer, session, people):
    with pytest.raises(ValidationFailed) as refusal:
        session_sheet_import(actor=trainer, session=session, content=b"name,score\nx,1\n")
    assert set(refusal.value.fields) == {"header"}
    with pytest.raises(ValidationFailed) as refusal:
        session_sheet_import(
            actor=trainer, session=session, content=b"username,colour\nstaff1,red\n"
        )
    assert set(refusal.value.fields) == {"header"}
    with pytest.raises(ValidationFailed) as refusal, translation.override("en"):
        session_sheet_import(actor=trainer, session=session, content=b"\xff\xfeusername")
    assert refusal.value.fields == {"file": ["Not UTF-8 text."]}
    assert AttendanceRecord.objects.count() == 0
