"""Reads of the training app, already scoped to what the actor may see.

The catalogue and the schedule are open to every signed-in person. A person sees their own
enrolments and certificates; a supervisor those of their organization's people; a trainer
the sessions they run; the ministry of Hajj and Umrah, which runs training, sees all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from masar.accounts.models import Organization, User
from masar.accounts.roles import Role
from masar.core.dates import riyadh_today
from masar.training.models import (
    ACTIVE_ENROLMENT,
    AttendanceRecord,
    Certificate,
    CertificateStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionStatus,
)
from masar.training.services.certificates import certificate_code_normalize
from masar.training.services.common import is_mohu

EXPIRY_WINDOW_DAYS = 60


def sees_all(actor: User) -> bool:
    return actor.is_superuser or is_mohu(actor)


def course_list(*, actor: User) -> QuerySet[Course]:
    qs = Course.objects.select_related("programme", "renews").prefetch_related("prerequisites")
    if sees_all(actor):
        return qs
    return qs.filter(is_active=True, programme__is_active=True)


def session_list(*, actor: User) -> QuerySet[Session]:
    """The schedule: sessions of courses the actor may see."""
    return Session.objects.filter(course__in=course_list(actor=actor)).select_related(
        "course__programme", "trainer"
    )


def session_upcoming(*, actor: User, today: dt.date | None = None) -> QuerySet[Session]:
    day = today or riyadh_today()
    return session_list(actor=actor).filter(status=SessionStatus.SCHEDULED, ends_on__gte=day)


def trainer_session_list(*, actor: User) -> QuerySet[Session]:
    """The sessions an actor runs: a trainer's own; a ministry supervisor every session."""
    qs = Session.objects.select_related("course__programme", "trainer")
    if actor.is_superuser or (is_mohu(actor) and actor.has_role(Role.SUPERVISOR)):
        return qs
    return qs.filter(trainer=actor)


def enrolment_list(*, actor: User) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.select_related("session__course", "person", "organization")
    if sees_all(actor):
        return qs
    scope = Q(person=actor) | Q(session__trainer=actor)
    if actor.has_role(Role.SUPERVISOR) and actor.organization_id is not None:
        scope |= Q(organization_id=actor.organization_id)
    return qs.filter(scope)


def session_enrolments(*, actor: User, session: Session) -> QuerySet[Enrolment]:
    return enrolment_list(actor=actor).filter(session=session).order_by("ticket")


def nominable_people(*, actor: User) -> QuerySet[User]:
    """The people a supervisor may nominate: those of their own organization."""
    if not actor.has_role(Role.SUPERVISOR) or actor.organization_id is None:
        return User.objects.none()
    return User.objects.filter(
        organization_id=actor.organization_id, is_active=True, is_service_account=False
    ).order_by("username")


def certificate_list(*, actor: User) -> QuerySet[Certificate]:
    qs = Certificate.objects.select_related("course", "holder", "organization")
    if sees_all(actor):
        return qs
    scope = Q(holder=actor)
    if actor.has_role(Role.SUPERVISOR) and actor.organization_id is not None:
        scope |= Q(organization_id=actor.organization_id)
    return qs.filter(scope)


def certificate_by_code(code: str) -> Certificate | None:
    """The public lookup of the verification page: by the code printed on the certificate."""
    return (
        Certificate.objects.select_related("course")
        .filter(code=certificate_code_normalize(code))
        .first()
    )


@dataclass(frozen=True)
class MyTraining:
    enrolments: list[Enrolment]
    certificates: list[Certificate]
    waitlist_positions: dict[int, int]


def my_training(*, actor: User) -> MyTraining:
    enrolments = list(
        Enrolment.objects.filter(person=actor)
        .select_related("session__course", "session__trainer")
        .order_by("-session__starts_on", "-id")
    )
    positions: dict[int, int] = {}
    for enrolment in enrolments:
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            positions[enrolment.pk] = waitlist_position(enrolment)
    certificates = list(
        Certificate.objects.filter(holder=actor).select_related("course").order_by("-issued_on")
    )
    return MyTraining(
        enrolments=enrolments, certificates=certificates, waitlist_positions=positions
    )


def waitlist_position(enrolment: Enrolment) -> int:
    return (
        Enrolment.objects.filter(
            session_id=enrolment.session_id,
            status=EnrolmentStatus.WAITLISTED,
            ticket__lt=enrolment.ticket,
        ).count()
        + 1
    )


def attendance_sheet(*, session: Session) -> dict[tuple[int, dt.date], bool]:
    """(enrolment id, day) → present, for a session's sheet. The caller scoped the session."""
    return {
        (r.enrolment_id, r.day): r.present
        for r in AttendanceRecord.objects.filter(enrolment__session=session)
    }


def dashboard_organizations(*, actor: User) -> QuerySet[Organization]:
    """Organizations whose dashboard the actor may read."""
    if sees_all(actor):
        return Organization.objects.order_by("kind", "code")
    if actor.organization_id is None:
        return Organization.objects.none()
    return Organization.objects.filter(pk=actor.organization_id)


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def training_dashboard(
    *,
    actor: User,
    organization: Organization | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Figures of an organization's people (the ministry: everyone's, or one organization's)
    over the last twelve months: people trained, completion and pass rates, certificates
    expiring within 60 days, completions by course and by month."""
    day = today or riyadh_today()
    since = day - dt.timedelta(days=365)
    if sees_all(actor):
        org_filter = Q() if organization is None else Q(organization=organization)
    else:
        if actor.organization_id is None:
            org_filter = Q(pk__in=[])
        else:
            org_filter = Q(organization_id=actor.organization_id)
    decided = Enrolment.objects.filter(org_filter).filter(
        status__in=[EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED],
        decided_at__date__gte=since,
    )
    totals = decided.aggregate(
        decided=Count("id"),
        completed=Count("id", filter=Q(status=EnrolmentStatus.COMPLETED)),
        people=Count("person", filter=Q(status=EnrolmentStatus.COMPLETED), distinct=True),
        assessed=Count("id", filter=Q(session__course__pass_mark__isnull=False)),
        passed=Count(
            "id",
            filter=Q(session__course__pass_mark__isnull=False)
            & Q(score__isnull=False)
            & Q(score__gte=F("session__course__pass_mark")),
        ),
    )
    active = Enrolment.objects.filter(org_filter).filter(status__in=ACTIVE_ENROLMENT)
    certificates = Certificate.objects.filter(org_filter)
    valid = certificates.filter(status=CertificateStatus.VALID).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )
    expiring = (
        valid.filter(valid_until__lte=day + dt.timedelta(days=EXPIRY_WINDOW_DAYS))
        .select_related("course", "holder", "organization")
        .order_by("valid_until", "id")
    )
    by_course = list(
        decided.values(
            "session__course__code", "session__course__title_en", "session__course__title_ar"
        )
        .annotate(
            completed=Count("id", filter=Q(status=EnrolmentStatus.COMPLETED)),
            not_completed=Count("id", filter=Q(status=EnrolmentStatus.NOT_COMPLETED)),
        )
        .order_by("-completed", "session__course__code")
    )
    by_month = list(
        decided.filter(status=EnrolmentStatus.COMPLETED)
        .annotate(month=TruncMonth("decided_at"))
        .values("month")
        .annotate(completed=Count("id"))
        .order_by("month")
    )
    return {
        "since": since,
        "today": day,
        "people_trained": totals["people"],
        "decided": totals["decided"],
        "completed": totals["completed"],
        "completion_rate": _rate(totals["completed"], totals["decided"]),
        "assessed": totals["assessed"],
        "passed": totals["passed"],
        "pass_rate": _rate(totals["passed"], totals["assessed"]),
        "in_training": active.filter(status=EnrolmentStatus.ENROLLED).count(),
        "waitlisted": active.filter(status=EnrolmentStatus.WAITLISTED).count(),
        "valid_certificates": valid.count(),
        "expiring_count": expiring.count(),
        "expiring": list(expiring[:20]),
        "by_course": by_course,
        "by_month": by_month,
    }
