"""The transition table and the shared mechanism the later apps will use."""

from __future__ import annotations

import pytest

from masar.applications.lock_objects import application_lock
from masar.applications.models import Application, ApplicationTransition
from masar.applications.services import (
    application_company_approve,
    application_submit,
    application_transition,
)
from masar.applications.states import (
    ACTIVE_STATUSES,
    STEP_TIMESTAMPS,
    TRANSITIONS,
    ApplicationStatus,
    Transition,
    transition_register,
)
from masar.core.errors import Conflict, Forbidden
from masar.integration.catalogue import CATALOGUE
from masar.seasons.models import Quota

pytestmark = pytest.mark.django_db


def test_every_status_is_reachable_from_draft():
    reached = {ApplicationStatus.DRAFT.value}
    changed = True
    while changed:
        changed = False
        for t in TRANSITIONS.values():
            if t.sources & reached and t.target not in reached:
                reached.add(t.target)
                changed = True
    assert reached == set(ApplicationStatus.values)


def test_every_transition_has_its_event_and_timestamp():
    fields = {f.name for f in Application._meta.get_fields()}
    for t in TRANSITIONS.values():
        assert t.event in CATALOGUE, t.name
        assert t.timestamp in fields, t.name
    assert set(STEP_TIMESTAMPS) <= fields


def test_a_name_is_declared_once():
    with pytest.raises(ValueError, match="already declared"):
        transition_register(
            Transition("submit", frozenset(), "x", frozenset(), "application.submitted", "x")
        )


def _screening(draft, agent_staff, company_staff):
    application_submit(actor=agent_staff, application=draft)
    application_company_approve(actor=company_staff, application=draft)
    return Application.objects.get(pk=draft.pk)


def test_a_later_issue_moves_an_application_through_the_same_mechanism(
    draft, agent_staff, company_staff, security_analyst
):
    # given an application in screening
    app = _screening(draft, agent_staff, company_staff)
    # when screening refers it, with the mechanism
    from django.db import transaction

    with transaction.atomic():
        locked = application_lock(app.pk)
        application_transition(
            actor=security_analyst, application=locked, name="refer", reason="possible match"
        )
    app.refresh_from_db()
    assert (app.status, app.status_reason) == ("referred", "possible match")
    assert app.screened_at is not None
    last = ApplicationTransition.objects.filter(application=app).last()
    assert (last.name, last.actor) == ("refer", security_analyst)


def test_rejection_releases_the_quota_and_the_passport(
    draft, agent_staff, company_staff, security_analyst, quotas
):
    from django.db import transaction

    app = _screening(draft, agent_staff, company_staff)
    with transaction.atomic():
        application_transition(
            actor=security_analyst, application=application_lock(app.pk), name="refer", reason="x"
        )
    with transaction.atomic():
        application_transition(
            actor=security_analyst,
            application=application_lock(app.pk),
            name="referral_reject",
            reason="ban in force",
        )
    app.refresh_from_db()
    assert (app.status, app.active_passport, app.quota_held) == ("rejected", None, False)
    assert Quota.objects.get(pk=quotas["agent"].pk).used == 0


def test_the_wrong_organization_or_state_is_refused(
    draft, agent_staff, company_staff, visa_officer
):
    from django.db import transaction

    app = _screening(draft, agent_staff, company_staff)
    with pytest.raises(Forbidden):
        with transaction.atomic():
            application_transition(
                actor=visa_officer, application=application_lock(app.pk), name="screen_clear"
            )
    with pytest.raises(Conflict):
        with transaction.atomic():
            application_transition(actor=None, application=application_lock(app.pk), name="enter")
    assert Application.objects.get(pk=app.pk).status == "screening"


def test_active_statuses_hold_the_passport(draft, agent_staff, company_staff):
    app = _screening(draft, agent_staff, company_staff)
    assert app.status in ACTIVE_STATUSES
    assert app.active_passport == f"IDN:{app.pilgrim.passport_number}"


def test_after_commit_hooks_run_once_per_commit_for_one_or_many(
    make_draft, agent_staff, company_staff, django_capture_on_commit_callbacks
):
    from masar.applications.services import applications_return
    from masar.applications.states import AFTER_COMMIT, transition_after_commit

    seen: list[list[int]] = []
    transition_after_commit("return", seen.append)
    try:
        apps = [make_draft() for _ in range(3)]
        for app in apps:
            application_submit(actor=agent_staff, application=app)
        with django_capture_on_commit_callbacks(execute=False) as pending:
            applications_return(
                actor=company_staff, application_ids=[a.pk for a in apps], reason="fix photos"
            )
        assert seen == []  # nothing runs before the commit
        for callback in pending:
            callback()
        assert [sorted(ids) for ids in seen] == [sorted(a.pk for a in apps)]
    finally:
        AFTER_COMMIT["return"].remove(seen.append)
    with pytest.raises(ValueError):
        transition_after_commit("no_such_transition", seen.append)
