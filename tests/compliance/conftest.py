"""Fixtures of the compliance tests: the visas fixtures (a season open today, a group, visa
keys), a port, pilgrims brought into the kingdom through the border's public services, and
the ministry's inspector."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from masar.border.models import Port, Stay
from masar.border.services.crossings import crossing_record
from masar.border.services.overstays import overstay_sweep
from masar.compliance.services import rules_for
from tests.factories import UserFactory
from tests.visas import conftest as visas_fixtures

_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
other_group = visas_fixtures.other_group
make_draft = visas_fixtures.make_draft
visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision
issued = visas_fixtures.issued

_events = itertools.count(1)


@pytest.fixture
def inspector(mohu: Any) -> Any:
    return UserFactory(organization=mohu, username="hajj.inspector", roles=["inspector"])


@pytest.fixture
def port(db: Any) -> Port:
    return Port.objects.create(
        code="JED",
        name_en="King Abdulaziz",
        name_ar="الملك عبدالعزيز",
        port_type="air",
        city="Jeddah",
    )


@pytest.fixture
def rules(season: Any) -> Any:
    return rules_for(season)


@pytest.fixture
def enter(issued: Any, port: Port) -> Callable[..., list[Stay]]:
    """`enter(n, target_group=None)`: n pilgrims get visas and enter at the port."""

    def make(n: int, target_group: Any = None) -> list[Stay]:
        stays = []
        for _ in range(n):
            visa = issued(target_group=target_group) if target_group else issued()
            result = crossing_record(
                actor=None,
                port_code=port.code,
                direction="entry",
                occurred_at=timezone.now() - dt.timedelta(minutes=5),
                client_event_id=f"test-entry-{next(_events)}",
                visa_number=visa.number,
                source="gate",
            )
            assert result.outcome == "accepted", result.refusal_code
            stays.append(result.stay)
        return stays

    return make


def leave(stay: Stay, port: Port) -> None:
    result = crossing_record(
        actor=None,
        port_code=port.code,
        direction="exit",
        occurred_at=timezone.now() - dt.timedelta(minutes=1),
        client_event_id=f"test-exit-{next(_events)}",
        visa_number=stay.visa.number,
        source="gate",
    )
    assert result.outcome == "accepted", result.refusal_code


def sweep_overstays(stays: list[Stay]) -> int:
    """The border sweep on the day after the latest permitted departure."""
    last = max(s.permitted_departure for s in Stay.objects.filter(pk__in=[s.pk for s in stays]))
    return overstay_sweep(as_of=last + dt.timedelta(days=1)).detected


@pytest.fixture
def overstay(enter: Any, port: Port) -> Callable[..., list[Stay]]:
    """`overstay(entered, overstaying, target_group=None)`: pilgrims enter, all but
    `overstaying` leave in time, and the border sweep detects the rest."""

    def make(entered: int, overstaying: int, target_group: Any = None) -> list[Stay]:
        stays = enter(entered, target_group=target_group)
        for stay in stays[overstaying:]:
            leave(stay, port)
        sweep_overstays(stays)
        return stays[:overstaying]

    return make


@pytest.fixture
def raised(overstay: Any, rules: Any) -> Any:
    """The company of the `group` fixture with 1 overstayer of 4 entered and its violation."""
    from masar.compliance.models import Violation
    from masar.compliance.services import violations_raise_automatic

    overstay(4, 1)
    violations_raise_automatic()
    return Violation.objects.get()
