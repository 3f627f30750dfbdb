"""Fixtures of the lodging tests: the border fixtures (visas issued through the services),
a hotel in Makkah with its clerk and its property system, a bus operator and its staff."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.border import conftest as border_fixtures
from tests.factories import UserFactory
from tests.lodging.factories import HotelFactory, TransportOperatorFactory

_media = border_fixtures._media
season = border_fixtures.season
quotas = border_fixtures.quotas
group = border_fixtures.group
other_group = border_fixtures.other_group
make_draft = border_fixtures.make_draft
draft = border_fixtures.draft
visa_keys = border_fixtures.visa_keys
in_decision = border_fixtures.in_decision
issued = border_fixtures.issued
visa_for = border_fixtures.visa_for
ports = border_fixtures.ports
now = border_fixtures.now

_ids = itertools.count(1)


def event_id() -> str:
    return f"pms-{next(_ids):06d}"


@pytest.fixture
def hotel(db: Any) -> Any:
    return HotelFactory(
        organization__code="hotel-safwah",
        organization__name_en="Al Safwah Tower",
        organization__name_ar="برج الصفوة",
        beds=100,
    )


@pytest.fixture
def other_hotel(db: Any) -> Any:
    return HotelFactory(organization__code="hotel-taiba", city="madinah", beds=50)


@pytest.fixture
def hotel_clerk(hotel: Any) -> Any:
    return UserFactory(organization=hotel.organization, roles=["hotel_staff"])


@pytest.fixture
def hotel_system(hotel: Any) -> Any:
    return UserFactory(
        organization=hotel.organization, roles=["integration"], is_service_account=True
    )


@pytest.fixture
def other_hotel_clerk(other_hotel: Any) -> Any:
    return UserFactory(organization=other_hotel.organization, roles=["hotel_staff"])


@pytest.fixture
def operator(db: Any) -> Any:
    return TransportOperatorFactory(organization__code="coaches-one")


@pytest.fixture
def operator_clerk(operator: Any) -> Any:
    return UserFactory(organization=operator.organization, roles=["transport_staff"])


@pytest.fixture
def other_operator_clerk(db: Any) -> Any:
    other = TransportOperatorFactory(organization__code="coaches-two")
    return UserFactory(organization=other.organization, roles=["transport_staff"])
