"""Seats and the waiting list under concurrent enrolments, on PostgreSQL (real row locks)."""

from __future__ import annotations

import pytest

from masar.core.errors import MasarError
from masar.training.models import Enrolment, Session
from masar.training.services import enrolment_cancel, enrolment_create
from tests.concurrency import run_together
from tests.factories import UserFactory
from tests.training.factories import SessionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_capacity_holds_and_the_rest_wait_in_order(company, session):
    Session.objects.filter(pk=session.pk).update(capacity=5)
    people = [
        UserFactory(organization=company.organization, roles=["company_staff"]) for _ in range(20)
    ]
    results = run_together(
        *[(lambda p=p: enrolment_create(actor=p, session=session, person=p)) for p in people]
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    rows = list(Enrolment.objects.filter(session=session).order_by("ticket"))
    assert [e.ticket for e in rows] == list(range(1, 21))
    # The first five to take the lock got the seats; the rest wait in arrival order.
    assert [e.status for e in rows] == ["enrolled"] * 5 + ["waitlisted"] * 15
    session.refresh_from_db()
    assert (session.enrolled_count, session.waitlisted_count, session.next_ticket) == (5, 15, 21)

    # Two seats free at once: the first two waiting move up, no more.
    results = run_together(
        *[(lambda e=e: enrolment_cancel(actor=e.person, enrolment=e)) for e in rows[:2]]
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    statuses = dict(Enrolment.objects.filter(session=session).values_list("ticket", "status"))
    assert [statuses[t] for t in range(1, 9)] == [
        "cancelled",
        "cancelled",
        "enrolled",
        "enrolled",
        "enrolled",
        "enrolled",
        "enrolled",
        "waitlisted",
    ]
    session.refresh_from_db()
    assert (session.enrolled_count, session.waitlisted_count) == (5, 13)


def test_one_person_cannot_take_two_clashing_sessions_at_once(company_staff, session, trainer):
    other = SessionFactory(
        course=session.course,
        trainer=trainer,
        starts_on=session.starts_on,
        ends_on=session.ends_on,
    )
    results = run_together(
        *[
            lambda: enrolment_create(actor=company_staff, session=session, person=company_staff),
            lambda: enrolment_create(actor=company_staff, session=other, person=company_staff),
        ]
    )
    errors = [r for r in results if isinstance(r, MasarError)]
    assert [e.code for e in errors] == ["session_clash"]
    assert Enrolment.objects.filter(person=company_staff).count() == 1


def test_the_same_nomination_twice_at_once_enrols_once(company_supervisor, company_staff, session):
    results = run_together(
        *[
            (
                lambda: enrolment_create(
                    actor=company_supervisor, session=session, person=company_staff
                )
            )
            for _ in range(4)
        ]
    )
    assert sorted(type(r).__name__ for r in results) == [
        "Conflict",
        "Conflict",
        "Conflict",
        "Enrolment",
    ]
    assert Enrolment.objects.filter(session=session).count() == 1
    session.refresh_from_db()
    assert session.enrolled_count == 1
