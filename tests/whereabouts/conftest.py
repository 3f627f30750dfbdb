"""Fixtures of the whereabouts tests: a group with a planned package (Makkah then Madinah),
its pilgrims put in the kingdom (a border stay written as the crossing services leave it),
hotels on and off the plan, and the company's, the agent's and the ministries' people."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from masar.applications.models import Application
from masar.applications.states import ApplicationStatus
from masar.border.models import Crossing, CrossingOutcome, Direction, Port, Stay
from masar.visas.models import Visa
from tests.applications.factories import ApplicationFactory, GroupFactory
from tests.factories import AgentFactory, CompanyFactory, UserFactory
from tests.lodging.factories import (
    HotelFactory,
    HotelStayFactory,
    PlannedLegFactory,
    PlannedStayFactory,
    TransportOperatorFactory,
)

_numbers = itertools.count(1)


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


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
def makkah_hotel(db: Any) -> Any:
    return HotelFactory(
        organization__code="hotel-safwah",
        organization__name_en="Al Safwah Tower",
        organization__name_ar="برج الصفوة",
        city="makkah",
        beds=100,
    )


@pytest.fixture
def madinah_hotel(db: Any) -> Any:
    return HotelFactory(organization__code="hotel-taiba", city="madinah", beds=50)


@pytest.fixture
def taif_hotel(db: Any) -> Any:
    return HotelFactory(organization__code="hotel-taif", city="taif", beds=30)


@pytest.fixture
def company(db: Any) -> Any:
    return CompanyFactory(organization__code="company-one", organization__name_en="Company One")


@pytest.fixture
def agent(db: Any) -> Any:
    return AgentFactory(organization__code="agent-one", organization__name_en="Agent One")


@pytest.fixture
def planned_group(
    company: Any, agent: Any, makkah_hotel: Any, madinah_hotel: Any, now: dt.datetime
) -> Any:
    """Arrived four days ago: three nights in Makkah, then the bus to Madinah for four."""
    today = timezone.localdate(now)
    group = GroupFactory(company=company, agent=agent, arrival_date=today - dt.timedelta(days=4))
    arrival = group.arrival_date
    PlannedStayFactory(
        group=group, hotel=makkah_hotel, check_in=arrival, check_out=arrival + dt.timedelta(3)
    )
    PlannedStayFactory(
        group=group,
        hotel=madinah_hotel,
        check_in=arrival + dt.timedelta(3),
        check_out=arrival + dt.timedelta(7),
    )
    PlannedLegFactory(
        group=group,
        operator=TransportOperatorFactory(),
        from_city="makkah",
        to_city="madinah",
        travel_date=arrival + dt.timedelta(3),
    )
    return group


def put_in_kingdom(application: Application, entered_at: dt.datetime, port: Port) -> Stay:
    """The records an accepted entry leaves: the visa, the crossing, the open stay."""
    n = next(_numbers)
    visa = Visa.objects.create(
        number=f"{n:09d}",
        application=application,
        season=application.season,
        company=application.company,
        agent=application.agent,
        visa_type="umrah",
        entries=1,
        valid_from=timezone.localdate(entered_at) - dt.timedelta(days=5),
        valid_until=timezone.localdate(entered_at) + dt.timedelta(days=60),
        stay_days=30,
        mrz_line1="V" * 44,
        mrz_line2="V" * 44,
        seal=b"",
        signer_identifier="T001",
        certificate_reference="test",
    )
    crossing = Crossing.objects.create(
        client_event_id=f"entry-{n}",
        port=port,
        direction=Direction.ENTRY,
        occurred_at=entered_at,
        outcome=CrossingOutcome.ACCEPTED,
        application=application,
        visa=visa,
        company=application.company,
        agent=application.agent,
        season=application.season,
        nationality=application.pilgrim.nationality,
        source="gate",
    )
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.ENTERED, entered_at=entered_at
    )
    return Stay.objects.create(
        application=application,
        visa=visa,
        season=application.season,
        company=application.company,
        agent=application.agent,
        nationality=application.pilgrim.nationality,
        entry_crossing=crossing,
        entry_port=port,
        entered_at=entered_at,
        permitted_departure=timezone.localdate(entered_at) + dt.timedelta(days=29),
    )


@pytest.fixture
def pilgrim_in(planned_group: Any, port: Port) -> Callable[..., Application]:
    """A pilgrim of the planned group who entered `hours_ago` hours ago."""

    def make(hours_ago: float = 30, *, group: Any = None, now: dt.datetime | None = None) -> Any:
        application = ApplicationFactory(group=group or planned_group)
        moment = (now or timezone.now()) - dt.timedelta(hours=hours_ago)
        put_in_kingdom(application, moment, port)
        return Application.objects.select_related("pilgrim", "company", "agent").get(
            pk=application.pk
        )

    return make


@pytest.fixture
def check_in() -> Callable[..., Any]:
    def make(application: Application, hotel: Any, at: dt.datetime, out: Any = None) -> Any:
        return HotelStayFactory(
            application=application, hotel=hotel, checked_in_at=at, checked_out_at=out
        )

    return make


@pytest.fixture
def company_staff(company: Any) -> Any:
    return UserFactory(organization=company.organization, roles=["company_staff"])


@pytest.fixture
def other_company_staff(db: Any) -> Any:
    other = CompanyFactory(organization__code="company-two")
    return UserFactory(organization=other.organization, roles=["company_staff"])


@pytest.fixture
def agent_staff(agent: Any) -> Any:
    return UserFactory(organization=agent.organization, roles=["agent_staff"])


@pytest.fixture
def inspector(mohu: Any) -> Any:
    return UserFactory(organization=mohu, username="hajj.inspector", roles=["inspector"])


@pytest.fixture
def moi_border(moi: Any) -> Any:
    return UserFactory(organization=moi, username="moi.border", roles=["border_officer"])
