"""Fixtures of the border tests: the visas fixtures (a season open today, visas issued
through the services), the reference ports, and a border officer posted at Jeddah."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from masar.border.models import Port, PortAssignment
from masar.border.services import ports_load
from tests.factories import UserFactory
from tests.visas import conftest as visas_fixtures

_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
other_group = visas_fixtures.other_group
make_draft = visas_fixtures.make_draft
draft = visas_fixtures.draft
visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision
issued = visas_fixtures.issued

_ids = itertools.count(1)


@pytest.fixture
def ports(db: Any) -> dict[str, Port]:
    ports_load()
    return {p.code: p for p in Port.objects.all()}


@pytest.fixture
def posted_officer(border_officer: Any, ports: Any) -> Any:
    """The border officer, posted at Jeddah airport (JED)."""
    PortAssignment.objects.create(user=border_officer, port=ports["JED"])
    return border_officer


@pytest.fixture
def gate(moi: Any) -> Any:
    """A gate's service account of the interior ministry."""
    return UserFactory(organization=moi, roles=["integration"], is_service_account=True)


@pytest.fixture
def carrier_staff(db: Any) -> Any:
    from tests.factories import OrganizationFactory

    org = OrganizationFactory(kind="carrier", code="saudia", name_en="Saudia")
    return UserFactory(organization=org, roles=["carrier_staff"])


def event_id() -> str:
    return f"evt-{next(_ids):06d}"


def crossing(
    visa: Any, direction: str, at: dt.datetime, *, port: str = "JED", cid: str | None = None
) -> dict[str, Any]:
    return {
        "client_event_id": cid or event_id(),
        "port_code": port,
        "direction": direction,
        "occurred_at": at,
        "visa_number": visa.number,
        "source": "gate",
    }


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def make_crossing() -> Callable[..., dict[str, Any]]:
    return crossing


@pytest.fixture
def visa_for(issued: Any) -> Callable[..., Any]:
    """A visa issued through the services, its validity moved `days_ago` days back (so
    entries in the past are inside its window)."""
    from masar.core.dates import riyadh_today
    from masar.visas.models import Visa

    def make(days_ago: int = 20, **kwargs: Any) -> Any:
        visa = issued(**kwargs)
        Visa.objects.filter(pk=visa.pk).update(
            valid_from=riyadh_today() - dt.timedelta(days=days_ago)
        )
        return Visa.objects.select_related("application__pilgrim", "season").get(pk=visa.pk)

    return make
