from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation

from masar.core.dates import riyadh_today
from masar.core.errors import Conflict, Forbidden, Unprocessable
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.training.models import Enrolment, EnrolmentStatus, Session
from masar.training.services import enrolment_cancel, enrolment_create
from tests.factories import UserFactory
from tests.training.factories import CertificateFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _staff(company, n: int) -> list:
    return [
        UserFactory(organization=company.organization, roles=["company_staff"]) for _ in range(n)
    ]


def _nothing_changed(session: Session, enrolments: int, audit: int) -> None:
    assert Enrolment.objects.filter(session=session).count() == enrolments
    assert AuditEntry.objects.count() == audit


def test_supervisor_nominates_a_person_of_their_organization(
    company_supervisor, company_staff, session
):
    enrolment = enrolment_create(actor=company_supervisor, session=session, person=company_staff)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.nominated_by == company_supervisor
    assert enrolment.organization == company_staff.organization
    assert enrolment.ticket == 1
    session.refresh_from_db()
    assert (session.enrolled_count, session.waitlisted_count, session.next_ticket) == (1, 0, 2)
    event = OutboxEvent.objects.get(type="training.enrolment_created")
    assert event.payload["person_id"] == company_staff.pk
    assert event.organizations == [company_staff.organization_id]
    assert AuditEntry.objects.filter(action="training.enrolment_created").count() == 1


def test_a_supervisor_cannot_nominate_another_organizations_person(
    other_company_supervisor, company_staff, session
):
    audit = AuditEntry.objects.count()
    with pytest.raises(Forbidden) as refusal:
        enrolment_create(actor=other_company_supervisor, session=session, person=company_staff)
    assert refusal.value.code == "person_of_another_organization"
    _nothing_changed(session, 0, audit)


def test_staff_without_the_supervisor_role_cannot_nominate(company_staff, company, session):
    colleague = _staff(company, 1)[0]
    audit = AuditEntry.objects.count()
    with pytest.raises(Forbidden) as refusal:
        enrolment_create(actor=company_staff, session=session, person=colleague)
    assert refusal.value.code == "training_not_allowed"
    _nothing_changed(session, 0, audit)


def test_self_enrolment_only_where_the_course_allows_it(company_staff, session):
    session.course.self_enrolment = False
    session.course.save()
    with pytest.raises(Forbidden) as refusal:
        enrolment_create(actor=company_staff, session=session, person=company_staff)
    assert refusal.value.code == "self_enrolment_not_allowed"
    session.course.self_enrolment = True
    session.course.save()
    enrolment = enrolment_create(actor=company_staff, session=session, person=company_staff)
    assert enrolment.nominated_by is None


def test_a_person_outside_the_audience_is_refused(border_officer, session):
    audit = AuditEntry.objects.count()
    with pytest.raises(Unprocessable) as refusal:
        enrolment_create(actor=border_officer, session=session, person=border_officer)
    assert refusal.value.code == "not_in_audience"
    _nothing_changed(session, 0, audit)


def test_prerequisites_must_be_completed_first(company_staff, session, course):
    basics = CourseFactory(code="basics", title_en="Basics")
    course.prerequisites.add(basics)
    with pytest.raises(Unprocessable) as refusal, translation.override("en"):
        enrolment_create(actor=company_staff, session=session, person=company_staff)
    assert refusal.value.code == "prerequisite_missing"
    assert "Basics" in str(refusal.value.message)
    CertificateFactory(holder=company_staff, course=basics, valid_until=dt.date(2020, 1, 1))
    # An expired certificate still shows the course was completed.
    enrolment = enrolment_create(actor=company_staff, session=session, person=company_staff)
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_a_refresher_needs_the_certificate_it_renews(company_staff, course, trainer):
    refresher = CourseFactory(code="refresher", renews=course, audience_roles=[])
    run = SessionFactory(course=refresher, trainer=trainer)
    with pytest.raises(Unprocessable) as refusal:
        enrolment_create(actor=company_staff, session=run, person=company_staff)
    assert refusal.value.code == "prerequisite_missing"


def test_clashing_sessions_are_refused_with_the_other_session_named(
    company_staff, session, course, trainer
):
    enrolment_create(actor=company_staff, session=session, person=company_staff)
    clashing = SessionFactory(
        course=CourseFactory(code="other", title_en="Crowd safety"),
        trainer=trainer,
        starts_on=session.ends_on,
        ends_on=session.ends_on + dt.timedelta(days=2),
        daily_start=dt.time(12, 0),
        daily_end=dt.time(15, 0),
    )
    audit = AuditEntry.objects.count()
    with pytest.raises(Conflict) as refusal, translation.override("en"):
        enrolment_create(actor=company_staff, session=clashing, person=company_staff)
    assert refusal.value.code == "session_clash"
    assert "Using the Umrah e-system" in str(refusal.value.message)
    _nothing_changed(clashing, 0, audit)
    # The same days in the afternoon do not clash.
    afternoon = SessionFactory(
        course=clashing.course,
        trainer=trainer,
        starts_on=session.starts_on,
        ends_on=session.ends_on,
        daily_start=dt.time(14, 0),
        daily_end=dt.time(17, 0),
    )
    assert enrolment_create(actor=company_staff, session=afternoon, person=company_staff).pk


def test_a_full_session_waitlists_in_order_or_refuses_clearly(company, company_supervisor, session):
    people = _staff(company, 6)
    results = [
        enrolment_create(actor=company_supervisor, session=session, person=p) for p in people[:5]
    ]
    assert [e.status for e in results] == ["enrolled"] * 3 + ["waitlisted"] * 2
    assert [e.ticket for e in results] == [1, 2, 3, 4, 5]
    with pytest.raises(Conflict) as refusal, translation.override("en"):
        enrolment_create(
            actor=company_supervisor, session=session, person=people[5], join_waitlist=False
        )
    assert refusal.value.code == "session_full"
    assert "3 seats" in str(refusal.value.message)
    session.refresh_from_db()
    assert (session.enrolled_count, session.waitlisted_count) == (3, 2)


def test_a_full_waiting_list_is_refused(company, company_supervisor, session):
    Session.objects.filter(pk=session.pk).update(capacity=1, waitlist_capacity=1)
    session.refresh_from_db()
    a, b, c = _staff(company, 3)
    enrolment_create(actor=company_supervisor, session=session, person=a)
    enrolment_create(actor=company_supervisor, session=session, person=b)
    with pytest.raises(Conflict) as refusal:
        enrolment_create(actor=company_supervisor, session=session, person=c)
    assert refusal.value.code == "waitlist_full"


def test_enrolling_twice_is_refused(company_staff, session):
    enrolment_create(actor=company_staff, session=session, person=company_staff)
    with pytest.raises(Conflict) as refusal:
        enrolment_create(actor=company_staff, session=session, person=company_staff)
    assert refusal.value.code == "already_enrolled"


def test_a_finished_or_cancelled_session_takes_no_enrolment(company_staff, session):
    Session.objects.filter(pk=session.pk).update(
        starts_on=riyadh_today() - dt.timedelta(days=5),
        ends_on=riyadh_today() - dt.timedelta(days=4),
    )
    session.refresh_from_db()
    with pytest.raises(Conflict) as refusal:
        enrolment_create(actor=company_staff, session=session, person=company_staff)
    assert refusal.value.code == "session_not_open"


def test_cancelling_a_seat_promotes_the_first_waiting_person(
    company, company_supervisor, session, django_capture_on_commit_callbacks
):
    people = _staff(company, 5)
    enrolments = [
        enrolment_create(actor=company_supervisor, session=session, person=p) for p in people
    ]
    with django_capture_on_commit_callbacks() as callbacks:
        enrolment_cancel(actor=people[1], enrolment=enrolments[1])
    statuses = {
        e.person_id: e.status for e in Enrolment.objects.filter(session=session).order_by("ticket")
    }
    assert [statuses[p.pk] for p in people] == [
        "enrolled",
        "cancelled",
        "enrolled",
        "enrolled",
        "waitlisted",
    ]
    session.refresh_from_db()
    assert (session.enrolled_count, session.waitlisted_count) == (3, 1)
    promoted = Enrolment.objects.get(pk=enrolments[3].pk)
    assert promoted.promoted_at is not None
    assert (
        OutboxEvent.objects.filter(
            type="training.enrolment_promoted", payload__person_id=people[3].pk
        ).count()
        == 1
    )
    # The mail to the promoted person is queued only once the cancellation commits.
    assert len(callbacks) >= 1


@pytest.mark.django_db(transaction=True)
def test_the_promoted_person_is_mailed_by_the_worker(
    company, company_supervisor, session, mailoutbox
):
    people = _staff(company, 4)
    for person in people:
        person.email = f"{person.username}@example.org"
        person.preferred_language = "en"
        person.save()
    enrolments = [
        enrolment_create(actor=company_supervisor, session=session, person=p) for p in people
    ]
    enrolment_cancel(actor=people[0], enrolment=enrolments[0])
    assert mailoutbox == []  # not from the request: from the worker
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    assert [m.to for m in mailoutbox] == [[people[3].email]]
    assert "You are now enrolled" in mailoutbox[0].body


def test_cancelling_a_waiting_place_promotes_nobody(company, company_supervisor, session):
    people = _staff(company, 5)
    enrolments = [
        enrolment_create(actor=company_supervisor, session=session, person=p) for p in people
    ]
    enrolment_cancel(actor=company_supervisor, enrolment=enrolments[3])
    assert Enrolment.objects.get(pk=enrolments[4].pk).status == "waitlisted"
    session.refresh_from_db()
    assert (session.enrolled_count, session.waitlisted_count) == (3, 1)


def test_another_organization_cannot_cancel(company_staff, other_company_supervisor, session):
    enrolment = enrolment_create(actor=company_staff, session=session, person=company_staff)
    audit = AuditEntry.objects.count()
    with pytest.raises(Forbidden) as refusal:
        enrolment_cancel(actor=other_company_supervisor, enrolment=enrolment)
    assert refusal.value.code == "training_not_allowed"
    assert Enrolment.objects.get(pk=enrolment.pk).status == "enrolled"
    assert AuditEntry.objects.count() == audit


def test_cancelling_twice_is_refused(company_staff, session):
    enrolment = enrolment_create(actor=company_staff, session=session, person=company_staff)
    enrolment_cancel(actor=company_staff, enrolment=enrolment)
    with pytest.raises(Conflict) as refusal:
        enrolment_cancel(actor=company_staff, enrolment=enrolment)
    assert refusal.value.code == "enrolment_not_active"
