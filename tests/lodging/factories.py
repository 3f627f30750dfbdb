"""factory_boy factories of accommodation and transport in the kingdom."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from masar.lodging.models import (
    City,
    FieldSource,
    Hotel,
    HotelStay,
    PlannedLeg,
    PlannedStay,
    Station,
    StayEvent,
    StayEventKind,
    TransportMode,
    TransportOperator,
    Trip,
    TripPassenger,
)
from tests.applications.factories import ApplicationFactory, GroupFactory
from tests.factories import OrganizationFactory


class HotelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotel

    organization = factory.SubFactory(
        OrganizationFactory,
        kind="hotel",
        code=factory.Sequence(lambda n: f"hotel{n}"),
        name_en=factory.Sequence(lambda n: f"Hotel {n}"),
        name_ar=factory.Sequence(lambda n: f"فندق {n}"),
    )
    licence_number = factory.Sequence(lambda n: f"HTL-T{n:05d}")
    city = City.MAKKAH
    address = "Ibrahim Al-Khalil St"
    beds = 500
    status_changed_at = factory.LazyFunction(timezone.now)


class TransportOperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransportOperator

    organization = factory.SubFactory(
        OrganizationFactory,
        kind="transport",
        code=factory.Sequence(lambda n: f"transport{n}"),
        name_en=factory.Sequence(lambda n: f"Coaches {n}"),
        name_ar=factory.Sequence(lambda n: f"حافلات {n}"),
    )
    licence_number = factory.Sequence(lambda n: f"TRN-T{n:05d}")
    mode = TransportMode.BUS
    fleet_size = 40
    status_changed_at = factory.LazyFunction(timezone.now)


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    operator = factory.SubFactory(TransportOperatorFactory, mode=TransportMode.TRAIN)
    code = factory.Sequence(lambda n: f"ST{n}")
    city = City.MAKKAH
    name = factory.Sequence(lambda n: f"Station {n}")
    name_ar = factory.Sequence(lambda n: f"محطة {n}")


class PlannedStayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedStay

    group = factory.SubFactory(GroupFactory)
    hotel = factory.SubFactory(HotelFactory)
    city = factory.SelfAttribute("hotel.city")
    check_in = factory.LazyAttribute(lambda o: o.group.arrival_date or timezone.localdate())
    check_out = factory.LazyAttribute(lambda o: o.check_in + dt.timedelta(days=5))
    guests = 10


class PlannedLegFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedLeg

    group = factory.SubFactory(GroupFactory)
    operator = factory.SubFactory(TransportOperatorFactory)
    from_city = City.MAKKAH
    to_city = City.MADINAH
    travel_date = factory.LazyAttribute(
        lambda o: (o.group.arrival_date or timezone.localdate()) + dt.timedelta(days=5)
    )


class StayEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StayEvent

    hotel = factory.SubFactory(HotelFactory)
    application = factory.SubFactory(ApplicationFactory)
    pilgrim = factory.SelfAttribute("application.pilgrim")
    kind = StayEventKind.CHECK_IN
    occurred_at = factory.LazyFunction(timezone.now)
    client_event_id = factory.Sequence(lambda n: f"stay-event-{n}")
    source = FieldSource.API


class HotelStayFactory(factory.django.DjangoModelFactory):
    """A derived stay written directly (for reads and sweeps); the services derive them
    from stay events."""

    class Meta:
        model = HotelStay

    application = factory.SubFactory(ApplicationFactory)
    pilgrim = factory.SelfAttribute("application.pilgrim")
    company = factory.SelfAttribute("application.company")
    hotel = factory.SubFactory(HotelFactory)
    city = factory.SelfAttribute("hotel.city")
    checked_in_at = factory.LazyFunction(timezone.now)
    checked_out_at = None
    source = FieldSource.DESK


class TripFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trip

    operator = factory.SubFactory(TransportOperatorFactory)
    client_trip_id = factory.Sequence(lambda n: f"trip-{n}")
    from_city = City.MAKKAH
    to_city = City.MADINAH
    departure_at = factory.LazyFunction(timezone.now)
    vehicle = "BUS-0042"
    driver = "Saeed Al-Harbi"


class TripPassengerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TripPassenger

    trip = factory.SubFactory(TripFactory)
    application = factory.SubFactory(ApplicationFactory)
    pilgrim = factory.SelfAttribute("application.pilgrim")
    company = factory.SelfAttribute("application.company")
    boarded_at = None
