"""Fixtures of the screening tests: the applications fixtures (a season open today, a group
with quotas and a package), applications brought to `screening` through the services, and
a fresh index cache for every test (the database is, too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from masar.applications.models import Application
from masar.applications.services import application_company_approve, application_submit
from masar.screening.indexes import index_cache_clear
from tests.applications import conftest as applications_fixtures
from tests.factories import UserFactory

# The applications fixtures, reused as they are: a season open today, quotas, a contracted
# group with a package, drafts made through the services.
_media = applications_fixtures._media
season = applications_fixtures.season
quotas = applications_fixtures.quotas
group = applications_fixtures.group
other_group = applications_fixtures.other_group
make_draft = applications_fixtures.make_draft
draft = applications_fixtures.draft


@pytest.fixture(autouse=True)
def _fresh_index_cache() -> Any:
    index_cache_clear()
    yield
    index_cache_clear()


@pytest.fixture
def english() -> Any:
    """Messages in English (the suite runs in the default language, Arabic)."""
    with translation.override("en"):
        yield


@pytest.fixture
def screening_supervisor(moi: Any) -> Any:
    return UserFactory(organization=moi, username="moi.supervisor", roles=["supervisor"])


@pytest.fixture
def mofa_service(mofa: Any) -> Any:
    return UserFactory(
        organization=mofa, username="mofa.system", roles=["integration"], is_service_account=True
    )


@pytest.fixture
def in_screening(make_draft: Any, agent_staff: Any, company_staff: Any) -> Callable[..., Any]:
    """An application brought to `screening` by its agent and company (the screening task
    is not run: the test runs it)."""

    def make(**pilgrim: Any) -> Application:
        app = make_draft(**pilgrim)
        application_submit(actor=agent_staff, application=app)
        application_company_approve(actor=company_staff, application=app)
        return Application.objects.select_related("pilgrim").get(pk=app.pk)

    return make


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
