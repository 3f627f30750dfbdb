from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from masar.accounts.services import user_create
from masar.integration.services import webhook_subscription_create
from tests.factories import OrganizationFactory, UserFactory
from tests.integration.receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from running_receiver()


@pytest.fixture
def synthetic_payloads(settings: Any) -> None:
    """For tests of the outbox's mechanics (order, fan-out, retries) that emit made-up
    payloads: they are not held to the types' published schemas."""
    settings.MASAR_EVENTS_VALIDATE = False


def make_service_account(organization: Any, username: str) -> Any:
    return user_create(
        actor=None,
        organization=organization,
        username=username,
        password=None,
        roles=["integration"],
        is_service_account=True,
    )


@pytest.fixture
def company_system(company: Any) -> Any:
    """The company's own system: a service account of the company."""
    return make_service_account(company.organization, "company.system")


@pytest.fixture
def other_company_system(other_company: Any) -> Any:
    return make_service_account(other_company.organization, "other.system")


@pytest.fixture
def moi_gate(moi: Any) -> Any:
    return make_service_account(moi, "moi.gate")


@pytest.fixture
def mofa_system(mofa: Any) -> Any:
    return make_service_account(mofa, "mofa.system")


@pytest.fixture
def company_supervisor(company: Any) -> Any:
    return UserFactory(
        organization=company.organization, username="company.supervisor", roles=["supervisor"]
    )


@pytest.fixture
def mohu_org(mohu: Any) -> Any:
    return mohu


def subscribe(actor: Any, url: str, types: list[str] | None = None) -> tuple[Any, str]:
    return webhook_subscription_create(
        actor=actor, url=url, event_types=types or ["*"], description="test"
    )


def run_worker() -> None:
    """Run every queued integration task in this process, then return (transactional tests)."""
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "integration",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0",
        verbosity=0,
    )


__all__ = ["OrganizationFactory", "run_worker", "subscribe"]
