"""Writes of the catalogue: programmes, courses, sessions and the roles that need a course."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import Role
from masar.core.audit import audit_record
from masar.core.errors import Conflict, ValidationFailed
from masar.integration.services import event_emit
from masar.training.error_codes import TrainingError
from masar.training.models import Course, Delivery, Programme, RoleRequirement, Session
from masar.training.services.common import require_catalogue_manager


@transaction.atomic
def programme_create(
    *,
    actor: User | None,
    code: str,
    title_en: str,
    title_ar: str,
    description_en: str = "",
    description_ar: str = "",
) -> Programme:
    require_catalogue_manager(actor)
    if Programme.objects.filter(code=code).exists():
        raise Conflict(
            TrainingError.INVALID_COURSE,
            _("A programme with this code exists."),
            fields={"code": [_("Already taken.")]},
        )
    programme = Programme.objects.create(
        code=code,
        title_en=title_en,
        title_ar=title_ar,
        description_en=description_en,
        description_ar=description_ar,
    )
    audit_record(
        actor=actor, action="training.programme_created", target=programme, details={"code": code}
    )
    event_emit(
        type="training.programme_created",
        subject=programme,
        payload={"programme_id": programme.pk, "code": code, "title_en": title_en},
    )
    return programme


def _check_course_rules(
    *,
    audience_roles: list[str],
    duration_hours: int,
    delivery: str,
    attendance_required_pct: int,
    pass_mark: int | None,
    certificate_validity_months: int | None,
) -> None:
    fields: dict[str, list[str]] = {}
    unknown = [r for r in audience_roles if r not in Role.values]
    if unknown:
        fields["audience_roles"] = [_("Unknown roles: %s") % ", ".join(unknown)]
    if duration_hours < 1:
        fields["duration_hours"] = [_("Must be at least one hour.")]
    if delivery not in Delivery.values:
        fields["delivery"] = [_("Choose one of: %s") % ", ".join(Delivery.values)]
    if not 0 <= attendance_required_pct <= 100:
        fields["attendance_required_pct"] = [_("A percentage from 0 to 100.")]
    if pass_mark is not None and not 0 <= pass_mark <= 100:
        fields["pass_mark"] = [_("A percentage from 0 to 100.")]
    if certificate_validity_months is not None and certificate_validity_months < 1:
        fields["certificate_validity_months"] = [_("At least one month, or empty: no expiry.")]
    if fields:
        raise ValidationFailed(
            TrainingError.INVALID_COURSE,
            _("Some of the course's rules are not valid."),
            fields=fields,
        )


@transaction.atomic
def course_create(
    *,
    actor: User | None,
    programme: Programme,
    code: str,
    title_en: str,
    title_ar: str,
    duration_hours: int,
    delivery: str,
    description_en: str = "",
    description_ar: str = "",
    audience_roles: Iterable[str] = (),
    prerequisites: Iterable[Course] = (),
    attendance_required_pct: int = 80,
    pass_mark: int | None = None,
    certificate_validity_months: int | None = None,
    renews: Course | None = None,
    self_enrolment: bool = False,
) -> Course:
    """Add a course to a programme with its audience and completion rules.

    A refresher course (`renews`) gives, when completed, a renewed certificate of the
    course it renews; only holders of that course's certificate may take it.
    """
    require_catalogue_manager(actor)
    roles = sorted(set(audience_roles))
    _check_course_rules(
        audience_roles=roles,
        duration_hours=duration_hours,
        delivery=delivery,
        attendance_required_pct=attendance_required_pct,
        pass_mark=pass_mark,
        certificate_validity_months=certificate_validity_months,
    )
    if Course.objects.filter(code=code).exists():
        raise Conflict(
            TrainingError.INVALID_COURSE,
            _("A course with this code exists."),
            fields={"code": [_("Already taken.")]},
        )
    if renews is not None and renews.renews_id is not None:
        raise ValidationFailed(
            TrainingError.INVALID_COURSE,
            _("A refresher renews an ordinary course, not another refresher."),
            fields={"renews": [_("Choose the course whose certificate this one renews.")]},
        )
    course = Course.objects.create(
        programme=programme,
        code=code,
        title_en=title_en,
        title_ar=title_ar,
        description_en=description_en,
        description_ar=description_ar,
        audience_roles=roles,
        duration_hours=duration_hours,
        delivery=delivery,
        attendance_required_pct=attendance_required_pct,
        pass_mark=pass_mark,
        certificate_validity_months=certificate_validity_months,
        renews=renews,
        self_enrolment=self_enrolment,
    )
    prerequisite_list = list(prerequisites)
    if prerequisite_list:
        course.prerequisites.set(prerequisite_list)
    payload = {
        "course_id": course.pk,
        "programme_id": programme.pk,
        "code": code,
        "title_en": title_en,
        "audience_roles": roles,
        "pass_mark": pass_mark,
        "attendance_required_pct": attendance_required_pct,
        "certificate_validity_months": certificate_validity_months,
    }
    audit_record(actor=actor, action="training.course_created", target=course, details=payload)
    event_emit(type="training.course_created", subject=course, payload=payload)
    return course


@transaction.atomic
def session_schedule(
    *,
    actor: User | None,
    course: Course,
    trainer: User,
    starts_on: dt.date,
    ends_on: dt.date,
    capacity: int,
    daily_start: dt.time = dt.time(9, 0),
    daily_end: dt.time = dt.time(13, 0),
    location: str = "",
    online_link: str = "",
    waitlist_capacity: int = 50,
) -> Session:
    require_catalogue_manager(actor)
    fields: dict[str, list[str]] = {}
    if ends_on < starts_on:
        fields["ends_on"] = [_("Must be on or after the first day.")]
    if daily_end <= daily_start:
        fields["daily_end"] = [_("Must be after the daily start.")]
    if capacity < 1:
        fields["capacity"] = [_("At least one seat.")]
    if not trainer.has_role(Role.TRAINER):
        fields["trainer"] = [_("This person does not hold the trainer role.")]
    if not location.strip() and not online_link.strip():
        fields["location"] = [_("Give a place or an online link.")]
    if not course.is_active:
        fields["course"] = [_("This course is withdrawn from the catalogue.")]
    if fields:
        raise ValidationFailed(
            TrainingError.INVALID_SESSION, _("The session cannot be scheduled so."), fields=fields
        )
    session = Session.objects.create(
        course=course,
        trainer=trainer,
        starts_on=starts_on,
        ends_on=ends_on,
        daily_start=daily_start,
        daily_end=daily_end,
        capacity=capacity,
        waitlist_capacity=waitlist_capacity,
        location=location,
        online_link=online_link,
    )
    payload = {
        "session_id": session.pk,
        "course_id": course.pk,
        "trainer_id": trainer.pk,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "capacity": capacity,
    }
    audit_record(actor=actor, action="training.session_scheduled", target=session, details=payload)
    event_emit(type="training.session_scheduled", subject=session, payload=payload)
    return session


@transaction.atomic
def requirement_set(
    *,
    actor: User | None,
    role: str,
    course: Course,
    effective_from: dt.date,
    is_active: bool = True,
) -> RoleRequirement:
    """Make a role require a valid certificate of a course from a date (or stop requiring it).

    Requirements are data: a season without any behaves exactly as before."""
    require_catalogue_manager(actor)
    if role not in Role.values:
        raise ValidationFailed(
            TrainingError.INVALID_REQUIREMENT,
            _("Unknown role."),
            fields={"role": [_("Choose one of: %s") % ", ".join(Role.values)]},
        )
    requirement = (
        RoleRequirement.objects.select_for_update().filter(role=role, course=course).first()
    )
    if requirement is None:
        requirement = RoleRequirement.objects.create(
            role=role,
            course=course,
            effective_from=effective_from,
            is_active=is_active,
            created_by=actor,
        )
    else:
        requirement.effective_from = effective_from
        requirement.is_active = is_active
        requirement.save(update_fields=["effective_from", "is_active"])
    payload = {
        "requirement_id": requirement.pk,
        "role": role,
        "course_id": course.pk,
        "is_active": is_active,
        "effective_from": effective_from,
    }
    audit_record(
        actor=actor, action="training.requirement_set", target=requirement, details=payload
    )
    event_emit(type="training.requirement_set", subject=requirement, payload=payload)
    return requirement
