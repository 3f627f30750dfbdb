"""Row locks of the training app, always taken in the same order: person, then session,
then enrolment. The session row carries the seat counters and the waiting-list ticket, so
locking it serializes every change of one session's seats."""

from __future__ import annotations

from masar.accounts.models import User
from masar.training.models import Certificate, Enrolment, Session


def person_lock(person_id: int) -> User:
    return User.objects.select_for_update(of=("self",)).get(pk=person_id)


def session_lock(session_id: int) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("course", "course__renews")
        .get(pk=session_id)
    )


def enrolment_lock(enrolment_id: int) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("person", "organization")
        .get(pk=enrolment_id)
    )


def certificate_lock(certificate_id: int) -> Certificate:
    return Certificate.objects.select_for_update(of=("self",)).get(pk=certificate_id)
