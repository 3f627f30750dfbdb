"""Enrolment: nominations by supervisors, self-enrolment, the waiting list and its promotion.

Seats are counted on the session row, which every change of a session's seats locks first
(`lock_objects.session_lock`); a person's enrolments are serialized on the person's row, so
two sessions taken at once by the same person cannot both pass the clash check.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import Role
from masar.core.audit import audit_record
from masar.core.dates import riyadh_today
from masar.core.errors import Conflict, Forbidden, Unprocessable
from masar.integration.services import event_emit
from masar.training.error_codes import TrainingError
from masar.training.lock_objects import enrolment_lock, person_lock, session_lock
from masar.training.models import (
    ACTIVE_ENROLMENT,
    Certificate,
    CertificateStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionStatus,
)
from masar.training.services.common import can_run_session, is_mohu

logger = logging.getLogger(__name__)


def _payload(enrolment: Enrolment, session: Session) -> dict[str, object]:
    return {
        "enrolment_id": enrolment.pk,
        "session_id": session.pk,
        "course_id": session.course_id,
        "person_id": enrolment.person_id,
        "organization_id": enrolment.organization_id,
        "status": enrolment.status,
    }


def _check_nomination(actor: User, person: User) -> None:
    if actor.pk == person.pk:
        return
    if not actor.has_role(Role.SUPERVISOR):
        raise Forbidden(
            TrainingError.NOT_ALLOWED,
            _("Only supervisors nominate other people; you may enrol yourself."),
        )
    if person.organization_id is None or person.organization_id != actor.organization_id:
        raise Forbidden(
            TrainingError.OTHER_ORGANIZATION,
            _("Supervisors nominate only people of their own organization."),
        )


def _missing_prerequisites(person: User, course: Course) -> list[Course]:
    """Courses the person must have completed first: the prerequisites, and for a refresher
    the course it renews. A certificate that was not revoked (even expired) shows it."""
    needed = list(course.prerequisites.all())
    if course.renews is not None:
        needed.append(course.renews)
    if not needed:
        return []
    held = set(
        Certificate.objects.filter(holder=person, course__in=needed)
        .exclude(status=CertificateStatus.REVOKED)
        .values_list("course_id", flat=True)
    )
    return [c for c in needed if c.pk not in held]


def _clashing(person: User, session: Session) -> Enrolment | None:
    others = (
        Enrolment.objects.filter(person=person, status__in=ACTIVE_ENROLMENT)
        .exclude(session=session)
        .filter(
            session__starts_on__lte=session.ends_on,
            session__ends_on__gte=session.starts_on,
            session__status=SessionStatus.SCHEDULED,
        )
        .select_related("session__course")
    )
    return next((e for e in others if e.session.clashes_with(session)), None)


@transaction.atomic
def enrolment_create(
    *, actor: User, session: Session, person: User, join_waitlist: bool = True
) -> Enrolment:
    """Enrol a person in a session: a supervisor nominates someone of their organization,
    or a person enrols themself where the course allows it. A full session puts the person
    on its waiting list (or refuses, with `join_waitlist=False`)."""
    _check_nomination(actor, person)
    person = person_lock(person.pk)
    organization = person.organization
    if organization is None:
        raise Forbidden(
            TrainingError.OTHER_ORGANIZATION, _("Only people of an organization take courses.")
        )
    session = session_lock(session.pk)
    course = session.course
    today = riyadh_today()
    if not course.is_active:
        raise Conflict(
            TrainingError.COURSE_INACTIVE, _("This course is withdrawn from the catalogue.")
        )
    if session.status != SessionStatus.SCHEDULED or session.ends_on < today:
        raise Conflict(TrainingError.SESSION_NOT_OPEN, _("This session is not open for enrolment."))
    if actor.pk == person.pk and not course.self_enrolment:
        raise Forbidden(
            TrainingError.SELF_ENROLMENT_CLOSED,
            _("This course takes nominations from supervisors only."),
        )
    if course.audience_roles and not person.has_role(*course.audience_roles):
        raise Unprocessable(
            TrainingError.NOT_IN_AUDIENCE,
            _("This course is for: %s.") % ", ".join(course.role_labels()),
            fields={"person_id": [_("This person holds none of the course's roles.")]},
        )
    language = translation.get_language() or "ar"
    missing = _missing_prerequisites(person, course)
    if missing:
        names = ", ".join(c.display_name(language) for c in missing)
        raise Unprocessable(
            TrainingError.PREREQUISITE_MISSING,
            _("First complete: %s.") % names,
            fields={"person_id": [_("Missing prerequisite: %s") % names]},
        )
    if (
        Enrolment.objects.filter(session=session, person=person)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .exists()
    ):
        raise Conflict(
            TrainingError.ALREADY_ENROLLED, _("This person is already enrolled in this session.")
        )
    clash = _clashing(person, session)
    if clash is not None:
        other = clash.session
        raise Conflict(
            TrainingError.SESSION_CLASH,
            _("This session clashes with %(course)s from %(start)s to %(end)s, %(t1)s–%(t2)s.")
            % {
                "course": other.course.display_name(language),
                "start": other.starts_on.isoformat(),
                "end": other.ends_on.isoformat(),
                "t1": other.daily_start.strftime("%H:%M"),
                "t2": other.daily_end.strftime("%H:%M"),
            },
            fields={"session_id": [_("Clashes with session %s.") % other.pk]},
        )
    if session.enrolled_count < session.capacity:
        status = EnrolmentStatus.ENROLLED
        counters = {"enrolled_count": F("enrolled_count") + 1}
    else:
        if not join_waitlist:
            raise Conflict(
                TrainingError.SESSION_FULL,
                _("This session is full (%(n)d seats).") % {"n": session.capacity},
            )
        if session.waitlisted_count >= session.waitlist_capacity:
            raise Conflict(
                TrainingError.WAITLIST_FULL,
                _("This session and its waiting list are full; choose another session."),
            )
        status = EnrolmentStatus.WAITLISTED
        counters = {"waitlisted_count": F("waitlisted_count") + 1}
    ticket = session.next_ticket
    Session.objects.filter(pk=session.pk).update(next_ticket=F("next_ticket") + 1, **counters)
    enrolment = Enrolment.objects.create(
        session=session,
        person=person,
        organization=organization,
        nominated_by=None if actor.pk == person.pk else actor,
        status=status,
        ticket=ticket,
    )
    payload = {**_payload(enrolment, session), "nominated_by_id": enrolment.nominated_by_id}
    audit_record(
        actor=actor,
        action="training.enrolment_created",
        target=enrolment,
        organization=person.organization,
        details=payload,
    )
    event_emit(
        type="training.enrolment_created",
        subject=enrolment,
        payload=payload,
        organizations=[person.organization_id],
    )
    return enrolment


def can_cancel(actor: User, enrolment: Enrolment) -> bool:
    """The person, a supervisor of the person's organization, the session's trainer or a
    ministry of Hajj and Umrah supervisor."""
    if actor.pk == enrolment.person_id:
        return True
    if actor.has_role(Role.SUPERVISOR) and actor.organization_id == enrolment.organization_id:
        return True
    return can_run_session(actor, enrolment.session) or (
        is_mohu(actor) and actor.has_role(Role.SUPERVISOR)
    )


@transaction.atomic
def enrolment_cancel(*, actor: User, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """Cancel an enrolment or a place on the waiting list. A freed seat goes at once to the
    first person waiting (lowest ticket), who is told by mail after the commit."""
    if not can_cancel(actor, enrolment):
        raise Forbidden(TrainingError.NOT_ALLOWED, _("You may not cancel this enrolment."))
    session = session_lock(enrolment.session_id)
    enrolment = enrolment_lock(enrolment.pk)
    if enrolment.status not in ACTIVE_ENROLMENT:
        raise Conflict(TrainingError.ENROLMENT_NOT_ACTIVE, _("This enrolment is not active."))
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(TrainingError.SESSION_CLOSED, _("This session's results are final."))
    previous = enrolment.status
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.cancelled_at = timezone.now()
    enrolment.save(update_fields=["status", "cancelled_at"])
    counter = "enrolled_count" if previous == EnrolmentStatus.ENROLLED else "waitlisted_count"
    Session.objects.filter(pk=session.pk).update(**{counter: F(counter) - 1})
    payload = {**_payload(enrolment, session), "previous_status": previous}
    audit_record(
        actor=actor,
        action="training.enrolment_cancelled",
        target=enrolment,
        organization=enrolment.organization,
        details={**payload, "reason": reason},
    )
    event_emit(
        type="training.enrolment_cancelled",
        subject=enrolment,
        payload=payload,
        organizations=[enrolment.organization_id],
    )
    if previous == EnrolmentStatus.ENROLLED:
        _promote_first_waiting(actor=actor, session=session)
    return enrolment


def _promote_first_waiting(*, actor: User | None, session: Session) -> Enrolment | None:
    """Move the first person waiting into the freed seat. The caller holds the session lock."""
    waiting = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(session=session, status=EnrolmentStatus.WAITLISTED)
        .order_by("ticket")
        .first()
    )
    if waiting is None:
        return None
    waiting.status = EnrolmentStatus.ENROLLED
    waiting.promoted_at = timezone.now()
    waiting.save(update_fields=["status", "promoted_at"])
    Session.objects.filter(pk=session.pk).update(
        enrolled_count=F("enrolled_count") + 1, waitlisted_count=F("waitlisted_count") - 1
    )
    payload = _payload(waiting, session)
    audit_record(
        actor=actor,
        action="training.enrolment_promoted",
        target=waiting,
        organization=waiting.organization,
        details=payload,
    )
    event_emit(
        type="training.enrolment_promoted",
        subject=waiting,
        payload=payload,
        organizations=[waiting.organization_id],
    )
    enrolment_id = waiting.pk
    transaction.on_commit(lambda: _promotion_notify_enqueue(enrolment_id), robust=True)
    return waiting


def _promotion_notify_enqueue(enrolment_id: int) -> None:
    from masar.training.tasks import promotion_notify as promotion_notify_task

    promotion_notify_task.enqueue(enrolment_id=enrolment_id)


def promotion_notify(*, enrolment_id: int) -> None:
    """Tell a person by mail that a seat freed for them (after the promotion committed)."""
    enrolment = (
        Enrolment.objects.select_related("person", "session__course")
        .filter(pk=enrolment_id, status=EnrolmentStatus.ENROLLED)
        .first()
    )
    if enrolment is None or not enrolment.person.email:
        return
    person = enrolment.person
    session = enrolment.session
    with translation.override(person.preferred_language or "ar"):
        subject = _("A seat is yours: %s") % session.course.display_name(
            translation.get_language() or "ar"
        )
        body = _(
            "A seat freed in the session of %(course)s from %(start)s to %(end)s and you moved "
            "up from the waiting list. You are now enrolled."
        ) % {
            "course": session.course.display_name(translation.get_language() or "ar"),
            "start": session.starts_on.isoformat(),
            "end": session.ends_on.isoformat(),
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
