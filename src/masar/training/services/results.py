"""Attendance (bulk, by session day), assessment scores, the CSV sheet import, and closing
a session: completion follows the course's rules and each completion issues a certificate."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.core.audit import audit_record
from masar.core.dates import parse_hijri, riyadh_today
from masar.core.errors import Conflict, MasarError, Unprocessable, ValidationFailed
from masar.core.params import is_whole_number
from masar.integration.services import event_emit
from masar.training.error_codes import TrainingError
from masar.training.lock_objects import session_lock
from masar.training.models import (
    AttendanceRecord,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionStatus,
)
from masar.training.services.certificates import certificate_issue
from masar.training.services.common import require_session_runner

MAX_IMPORT_BYTES = 1_000_000
PRESENT_WORDS = {"1", "y", "yes", "true", "present", "p", "x", "حاضر", "نعم"}
ABSENT_WORDS = {"0", "n", "no", "false", "absent", "a", "غائب", "لا"}


def _open_session(actor: User | None, session: Session) -> Session:
    require_session_runner(actor, session)
    session = session_lock(session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(TrainingError.SESSION_CLOSED, _("This session's results are final."))
    return session


def _enrolled(session: Session) -> dict[int, Enrolment]:
    return {
        e.person_id: e
        for e in Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED)
    }


def _check_day(session: Session, day: dt.date, field: str = "day") -> None:
    if not session.starts_on <= day <= session.ends_on:
        raise ValidationFailed(
            TrainingError.INVALID_DAY,
            _("%(day)s is not a day of this session (%(start)s to %(end)s).")
            % {"day": day.isoformat(), "start": session.starts_on, "end": session.ends_on},
            fields={field: [_("Not a day of this session.")]},
        )
    if day > riyadh_today():
        raise Unprocessable(
            TrainingError.DAY_IN_FUTURE,
            _("Attendance for %s can be recorded on that day, not before.") % day.isoformat(),
            fields={field: [_("This day has not come yet.")]},
        )


def _unknown_people(enrolled: dict[int, Enrolment], person_ids: list[int], field: str) -> None:
    unknown = sorted(set(person_ids) - set(enrolled))
    if unknown:
        raise ValidationFailed(
            TrainingError.NOT_ENROLLED,
            _("Some people are not enrolled in this session: %s")
            % ", ".join(str(u) for u in unknown),
            fields={field: [_("Not enrolled: %s") % ", ".join(str(u) for u in unknown)]},
        )


def _write_attendance(
    *, actor: User | None, session: Session, day: dt.date, marks: Mapping[Enrolment, bool]
) -> tuple[int, int]:
    recorder = actor if actor is not None else session.trainer
    now = timezone.now()
    existing = {
        r.enrolment_id: r
        for r in AttendanceRecord.objects.filter(enrolment__in=list(marks), day=day)
    }
    changed: list[AttendanceRecord] = []
    created: list[AttendanceRecord] = []
    for enrolment, present in marks.items():
        record = existing.get(enrolment.pk)
        if record is None:
            created.append(
                AttendanceRecord(
                    enrolment=enrolment,
                    day=day,
                    present=present,
                    recorded_by=recorder,
                    recorded_at=now,
                )
            )
        elif record.present != present:
            record.present = present
            record.recorded_by = recorder
            record.recorded_at = now
            changed.append(record)
    AttendanceRecord.objects.bulk_create(created)
    AttendanceRecord.objects.bulk_update(changed, ["present", "recorded_by", "recorded_at"])
    present_count = sum(1 for p in marks.values() if p)
    absent_count = len(marks) - present_count
    payload = {
        "session_id": session.pk,
        "day": day,
        "present": present_count,
        "absent": absent_count,
    }
    audit_record(
        actor=actor,
        action="training.attendance_recorded",
        target=session,
        details={**payload, "people": sorted(e.person_id for e in marks)},
    )
    event_emit(type="training.attendance_recorded", subject=session, payload=payload)
    return present_count, absent_count


@transaction.atomic
def attendance_record(
    *, actor: User | None, session: Session, day: dt.date, marks: Mapping[int, bool]
) -> tuple[int, int]:
    """Record one day's attendance for many people at once (person id → present).
    Returns (present, absent). Unknown people refuse the whole sheet; nothing is written."""
    session = _open_session(actor, session)
    _check_day(session, day)
    enrolled = _enrolled(session)
    _unknown_people(enrolled, list(marks), "marks")
    return _write_attendance(
        actor=actor,
        session=session,
        day=day,
        marks={enrolled[pid]: bool(present) for pid, present in marks.items()},
    )


def _check_score(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError
    return value.quantize(Decimal("0.01"))


def _write_scores(
    *, actor: User | None, session: Session, scores: Mapping[Enrolment, Decimal]
) -> int:
    for enrolment, score in scores.items():
        enrolment.score = score
    Enrolment.objects.bulk_update(list(scores), ["score"])
    audit_record(
        actor=actor,
        action="training.scores_recorded",
        target=session,
        details={
            "session_id": session.pk,
            "scores": {str(e.person_id): str(s) for e, s in scores.items()},
        },
    )
    event_emit(
        type="training.scores_recorded",
        subject=session,
        payload={"session_id": session.pk, "count": len(scores)},
    )
    return len(scores)


@transaction.atomic
def scores_record(*, actor: User | None, session: Session, scores: Mapping[int, Decimal]) -> int:
    """Record assessment scores (percent, 0 to 100) by person id."""
    session = _open_session(actor, session)
    enrolled = _enrolled(session)
    _unknown_people(enrolled, list(scores), "scores")
    clean: dict[Enrolment, Decimal] = {}
    bad: list[str] = []
    for pid, value in scores.items():
        try:
            clean[enrolled[pid]] = _check_score(Decimal(value))
        except (InvalidOperation, ValueError):
            bad.append(str(pid))
    if bad:
        raise ValidationFailed(
            TrainingError.INVALID_SCORE,
            _("A score is a percentage from 0 to 100."),
            fields={"scores": [_("Not a score from 0 to 100 for: %s") % ", ".join(bad)]},
        )
    return _write_scores(actor=actor, session=session, scores=clean)


@dataclass(frozen=True)
class SheetImport:
    rows: int
    attendance_marks: int
    scores: int


def _parse_day(text: str) -> dt.date:
    text = text.strip()
    if is_whole_number(text[:4]) and int(text[:4]) < 1600:
        return parse_hijri(text)
    return dt.date.fromisoformat(text)


def _parse_mark(text: str) -> bool | None:
    word = text.strip().lower()
    if not word:
        return None
    if word in PRESENT_WORDS:
        return True
    if word in ABSENT_WORDS:
        return False
    raise ValueError


@transaction.atomic
def session_sheet_import(*, actor: User | None, session: Session, content: bytes) -> SheetImport:
    """Import a session sheet from CSV: a `username` column, any number of day columns
    (YYYY-MM-DD, or a Hijri date) holding 1/0 (yes/no, present/absent, حاضر/غائب), and an
    optional `score` column. Every error is reported by row and column, and a sheet with
    any error writes nothing."""
    session = _open_session(actor, session)
    errors: dict[str, list[str]] = {}
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationFailed(
            TrainingError.INVALID_IMPORT,
            _("The file is too large (at most 1 MB)."),
            fields={"file": [_("At most 1 MB.")]},
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            TrainingError.INVALID_IMPORT,
            _("Save the sheet as CSV in UTF-8."),
            fields={"file": [_("Not UTF-8 text.")]},
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    lowered = [h.lower() for h in header]
    if "username" not in lowered:
        raise ValidationFailed(
            TrainingError.INVALID_IMPORT,
            _("The first row must name the columns, with a `username` column."),
            fields={"header": [_("No `username` column.")]},
        )
    today = riyadh_today()
    day_columns: dict[int, dt.date] = {}
    score_column: int | None = None
    for index, name in enumerate(header):
        if lowered[index] == "username":
            continue
        if lowered[index] == "score":
            score_column = index
            continue
        try:
            day = _parse_day(name)
        except (ValueError, MasarError):
            errors.setdefault("header", []).append(
                _("Column %(i)d (%(name)s) is neither a day, `username` nor `score`.")
                % {"i": index + 1, "name": name}
            )
            continue
        if not session.starts_on <= day <= session.ends_on:
            errors.setdefault("header", []).append(
                _("%s is not a day of this session.") % day.isoformat()
            )
        elif day > today:
            errors.setdefault("header", []).append(_("%s has not come yet.") % day.isoformat())
        day_columns[index] = day
    username_column = lowered.index("username")
    enrolled = {e.person.username.lower(): e for e in _enrolled_with_people(session)}
    attendance: dict[dt.date, dict[Enrolment, bool]] = {d: {} for d in day_columns.values()}
    scores: dict[Enrolment, Decimal] = {}
    rows = 0
    seen: set[str] = set()
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        # Field keys are paths a client reads, not prose: they stay untranslated.
        where = f"row {line_no}"
        cells = row + [""] * (len(header) - len(row))
        username = cells[username_column].strip().lower()
        enrolment = enrolled.get(username)
        if enrolment is None:
            errors.setdefault(f"{where}.username", []).append(
                _("%s is not enrolled in this session.") % (username or _("(empty)"))
            )
            continue
        if username in seen:
            errors.setdefault(f"{where}.username", []).append(_("Appears twice in the sheet."))
            continue
        seen.add(username)
        for index, day in day_columns.items():
            try:
                mark = _parse_mark(cells[index])
            except ValueError:
                errors.setdefault(f"{where}.{header[index]}", []).append(
                    _("Write 1 (present) or 0 (absent), not %s.") % cells[index].strip()
                )
                continue
            if mark is not None:
                attendance[day][enrolment] = mark
        if score_column is not None and cells[score_column].strip():
            try:
                scores[enrolment] = _check_score(Decimal(cells[score_column].strip()))
            except (InvalidOperation, ValueError):
                errors.setdefault(f"{where}.score", []).append(
                    _("A score is a percentage from 0 to 100, not %s.")
                    % cells[score_column].strip()
                )
    if errors:
        raise ValidationFailed(
            TrainingError.INVALID_IMPORT,
            _("The sheet has errors; nothing was imported. Correct them and import it again."),
            fields=errors,
        )
    marks = 0
    for day, day_marks in sorted(attendance.items()):
        if day_marks:
            _write_attendance(actor=actor, session=session, day=day, marks=day_marks)
            marks += len(day_marks)
    if scores:
        _write_scores(actor=actor, session=session, scores=scores)
    return SheetImport(rows=rows, attendance_marks=marks, scores=len(scores))


def _enrolled_with_people(session: Session) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED).select_related(
            "person"
        )
    )


@dataclass(frozen=True)
class SessionResults:
    completed: int
    not_completed: int


@transaction.atomic
def session_close(*, actor: User | None, session: Session) -> SessionResults:
    """Make a session's results final, after its last day. An enrolled person completes the
    course when the share of days attended reaches the course's attendance rule and, for a
    course with an assessment, the score reaches its pass mark; each completion issues a
    certificate. People still waiting are released."""
    session = _open_session(actor, session)
    if riyadh_today() < session.ends_on:
        raise Conflict(
            TrainingError.SESSION_NOT_FINISHED,
            _("Results are made final after the session's last day (%s).")
            % session.ends_on.isoformat(),
        )
    course = session.course
    days = len(session.days())
    enrolments = list(
        Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED)
        .select_related("person", "organization")
        .annotate(present_days=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("ticket")
    )
    now = timezone.now()
    completed = 0
    for enrolment in enrolments:
        share = (Decimal(enrolment.present_days) * 100 / Decimal(days)).quantize(Decimal("0.01"))
        attended = share >= course.attendance_required_pct
        passed = course.pass_mark is None or (
            enrolment.score is not None and enrolment.score >= course.pass_mark
        )
        enrolment.status = (
            EnrolmentStatus.COMPLETED if attended and passed else EnrolmentStatus.NOT_COMPLETED
        )
        enrolment.attendance_pct = share
        enrolment.decided_at = now
        enrolment.save(update_fields=["status", "attendance_pct", "decided_at"])
        payload = {
            "enrolment_id": enrolment.pk,
            "session_id": session.pk,
            "course_id": course.pk,
            "person_id": enrolment.person_id,
            "organization_id": enrolment.organization_id,
            "status": enrolment.status,
            "attendance_pct": str(share),
            "score": str(enrolment.score) if enrolment.score is not None else None,
        }
        audit_record(
            actor=actor,
            action="training.enrolment_decided",
            target=enrolment,
            organization=enrolment.organization,
            details=payload,
        )
        event_emit(
            type="training.enrolment_decided",
            subject=enrolment,
            payload=payload,
            organizations=[enrolment.organization_id],
        )
        if enrolment.status == EnrolmentStatus.COMPLETED:
            completed += 1
            certificate_issue(actor=actor, enrolment=enrolment)
    Enrolment.objects.filter(session=session, status=EnrolmentStatus.WAITLISTED).update(
        status=EnrolmentStatus.CANCELLED, cancelled_at=now
    )
    session.status = SessionStatus.CLOSED
    session.closed_at = now
    session.waitlisted_count = 0
    session.save(update_fields=["status", "closed_at", "waitlisted_count"])
    result = SessionResults(completed=completed, not_completed=len(enrolments) - completed)
    payload = {
        "session_id": session.pk,
        "course_id": course.pk,
        "completed": result.completed,
        "not_completed": result.not_completed,
    }
    audit_record(actor=actor, action="training.session_closed", target=session, details=payload)
    event_emit(type="training.session_closed", subject=session, payload=payload)
    return result
