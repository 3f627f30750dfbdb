"""Fixtures of the visas tests: the applications fixtures (a season open today, a group
with quotas and a package), visa signing keys in a temporary directory, and applications
brought to the consular decision through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from masar.applications.lock_objects import application_lock
from masar.applications.models import Application
from masar.applications.services import application_company_approve, application_submit
from masar.applications.services.transitions import application_transition
from masar.visas.keys import KeyStore, settings_key_store
from masar.visas.models import Visa
from masar.visas.services import application_decide, visa_issue
from tests.applications import conftest as applications_fixtures
from tests.factories import UserFactory

_media = applications_fixtures._media
season = applications_fixtures.season
quotas = applications_fixtures.quotas
group = applications_fixtures.group
other_group = applications_fixtures.other_group
make_draft = applications_fixtures.make_draft
draft = applications_fixtures.draft


@pytest.fixture
def visa_keys(settings: Any, tmp_path_factory: Any) -> Any:
    """A fresh key store, the one the services sign with (outside the test's tmp_path,
    which the seal-core tests inspect)."""
    settings.MASAR_KEYS_DIR = str(tmp_path_factory.mktemp("visa-keys") / "keys")
    settings_key_store.cache_clear()
    store = settings_key_store()
    store.init()
    yield store
    settings_key_store.cache_clear()


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


def run_worker() -> None:
    """Run every queued task with django-tasks-db's worker (transactional tests only)."""
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0",
        verbosity=0,
    )


@pytest.fixture
def in_decision(
    make_draft: Any, agent_staff: Any, company_staff: Any, visa_keys: KeyStore
) -> Callable[..., Any]:
    """An application submitted, approved by its company and cleared by screening (the
    screening transition driven as SYSTEM), waiting for the consular decision."""

    def make(target_group: Any = None, **pilgrim: Any) -> Application:
        submitter, approver = agent_staff, company_staff
        if target_group is not None:
            submitter = UserFactory(
                organization=target_group.agent.organization, roles=["agent_staff"]
            )
            approver = UserFactory(
                organization=target_group.company.organization, roles=["company_staff"]
            )
        app = make_draft(target_group, actor=submitter, **pilgrim)
        application_submit(actor=submitter, application=app)
        application_company_approve(actor=approver, application=app)
        with transaction.atomic():
            locked = application_lock(app.pk)
            application_transition(actor=None, application=locked, name="screen_clear")
        return Application.objects.select_related("pilgrim").get(pk=app.pk)

    return make


@pytest.fixture
def issued(in_decision: Any, visa_officer: Any) -> Callable[..., Visa]:
    """An application approved by a visa officer and its visa issued (the task's service
    called directly)."""

    def make(**kwargs: Any) -> Visa:
        app = in_decision(**kwargs)
        application_decide(actor=visa_officer, application_id=app.pk, decision="approve")
        visa = visa_issue(actor=None, application_id=app.pk)
        assert visa is not None
        return Visa.objects.select_related("application__pilgrim").get(pk=visa.pk)

    return make
