"""Reads of accommodation and transport, scoped to the actor's organization: a hotel reads
its own guests, an operator its own trips, a company and an agent their own pilgrims', the
ministries that track the pilgrims all (accounts/access_matrix.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from masar.accounts.access_matrix import Access, access
from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.applications.models import Application
from masar.lodging.models import (
    Hotel,
    HotelStay,
    PlannedLeg,
    PlannedStay,
    StayEvent,
    TransportOperator,
    Trip,
    TripPassenger,
)


def _own_filter(actor: User, *, hotel_field: str | None, operator_field: str | None) -> Q:
    """The rows an organization may read as its own."""
    org = actor.organization
    if org is None:
        return Q(pk__in=[])
    if org.kind == OrganizationKind.HOTEL and hotel_field:
        return Q(**{f"{hotel_field}__organization": org})
    if org.kind == OrganizationKind.TRANSPORT and operator_field:
        return Q(**{f"{operator_field}__organization": org})
    if org.kind == OrganizationKind.COMPANY:
        return Q(application__company__organization=org)
    if org.kind == OrganizationKind.AGENT:
        return Q(application__agent__organization=org)
    return Q(pk__in=[])


def hotel_stay_list(actor: User) -> QuerySet[HotelStay]:
    qs = HotelStay.objects.select_related("hotel__organization", "application", "pilgrim")
    level = access(actor, "hotel_stays")
    if level == Access.ALL:
        return qs
    if level == Access.OWN:
        return qs.filter(_own_filter(actor, hotel_field="hotel", operator_field=None))
    return qs.none()


def stay_event_list(actor: User) -> QuerySet[StayEvent]:
    qs = StayEvent.objects.select_related("hotel__organization", "application")
    level = access(actor, "hotel_stays")
    if level == Access.ALL:
        return qs
    if level == Access.OWN:
        return qs.filter(_own_filter(actor, hotel_field="hotel", operator_field=None))
    return qs.none()


def trip_list(actor: User) -> QuerySet[Trip]:
    """Trips the actor reads: an operator its own; a company or an agent the trips that
    carry one of its pilgrims; the ministries all."""
    qs = Trip.objects.select_related("operator__organization", "from_station", "to_station")
    level = access(actor, "trips")
    if level == Access.ALL:
        return qs
    org = actor.organization
    if level == Access.OWN and org is not None:
        if org.kind == OrganizationKind.TRANSPORT:
            return qs.filter(operator__organization=org)
        passages = trip_passenger_list(actor).values("trip_id")
        return qs.filter(pk__in=passages)
    return qs.none()


def trip_passenger_list(actor: User) -> QuerySet[TripPassenger]:
    qs = TripPassenger.objects.select_related("trip__operator__organization", "application")
    level = access(actor, "trips")
    if level == Access.ALL:
        return qs
    if level == Access.OWN:
        return qs.filter(_own_filter(actor, hotel_field=None, operator_field="trip__operator"))
    return qs.none()


def hotel_list() -> QuerySet[Hotel]:
    """The register of hotels: public facts (name, licence, city, beds, status)."""
    return Hotel.objects.select_related("organization")


def transport_operator_list() -> QuerySet[TransportOperator]:
    return TransportOperator.objects.select_related("organization").prefetch_related("stations")


def planned_stays(application_or_group_id: int) -> QuerySet[PlannedStay]:
    return PlannedStay.objects.filter(group_id=application_or_group_id).select_related(
        "hotel__organization"
    )


def planned_legs(group_id: int) -> QuerySet[PlannedLeg]:
    return PlannedLeg.objects.filter(group_id=group_id).select_related("operator__organization")


# --- Where the pilgrim was last seen ------------------------------------------------------


@dataclass(frozen=True)
class LastKnown:
    """The last field event of a pilgrim, of any kind, with its source.

    `kind`: entry, exit (border crossings), check_in, check_out (hotels), boarding (trips);
    `source`: who reported it (officer, gate, api, desk); `city` where it happened (a port's
    city is kept as the port's English name, the others as City values); `place` the port
    code, the hotel's or the operator's organization code.
    """

    kind: str
    at: dt.datetime
    source: str
    city: str
    place: str
    place_name_en: str
    place_name_ar: str
    record_type: str
    record_id: int


def pilgrim_last_known(application: Application | int) -> LastKnown | None:
    """The last known event of one pilgrim (its application): an accepted border crossing,
    a check-in or check-out, or a boarding, whichever is latest."""
    app_id = application if isinstance(application, int) else application.pk
    return pilgrims_last_known([app_id]).get(app_id)


def pilgrims_last_known(application_ids: Iterable[int]) -> dict[int, LastKnown]:
    """`pilgrim_last_known` of many pilgrims at once (a page of a list): three queries on
    the `(application, time)` indexes, whatever the number of pilgrims."""
    from masar.border.models import Crossing, CrossingOutcome

    ids = sorted(set(application_ids))
    best: dict[int, LastKnown] = {}
    if not ids:
        return best

    def offer(app_id: int, known: LastKnown) -> None:
        # Each source is read oldest first: within a source the later row wins a tie.
        current = best.get(app_id)
        if (
            current is None
            or known.at > current.at
            or (known.at == current.at and known.record_type == current.record_type)
        ):
            best[app_id] = known

    for crossing in (
        Crossing.objects.filter(application_id__in=ids, outcome=CrossingOutcome.ACCEPTED)
        .select_related("port")
        .order_by("application_id", "occurred_at", "client_event_id")
    ):
        assert crossing.application_id is not None  # noqa: S101 - filtered on it
        offer(
            crossing.application_id,
            LastKnown(
                kind=crossing.direction,
                at=crossing.occurred_at,
                source=crossing.source,
                city=crossing.port.city,
                place=crossing.port.code,
                place_name_en=crossing.port.name_en,
                place_name_ar=crossing.port.name_ar,
                record_type="border.crossing",
                record_id=crossing.pk,
            ),
        )
    for event in (
        StayEvent.objects.filter(application_id__in=ids)
        .select_related("hotel__organization")
        .order_by("application_id", "occurred_at", "client_event_id")
    ):
        org = event.hotel.organization
        offer(
            event.application_id,
            LastKnown(
                kind=event.kind,
                at=event.occurred_at,
                source=event.source,
                city=event.hotel.city,
                place=org.code,
                place_name_en=org.name_en,
                place_name_ar=org.name_ar,
                record_type="lodging.stayevent",
                record_id=event.pk,
            ),
        )
    for boarding in (
        TripPassenger.objects.filter(application_id__in=ids, boarded_at__isnull=False)
        .select_related("trip__operator__organization")
        .order_by("application_id", "boarded_at", "pk")
    ):
        if boarding.boarded_at is None:
            continue
        org = boarding.trip.operator.organization
        offer(
            boarding.application_id,
            LastKnown(
                kind="boarding",
                at=boarding.boarded_at,
                source=boarding.trip.source,
                city=boarding.trip.from_city,
                place=org.code,
                place_name_en=org.name_en,
                place_name_ar=org.name_ar,
                record_type="lodging.trippassenger",
                record_id=boarding.pk,
            ),
        )
    return best


def pilgrim_field_events(application: Application) -> list[dict[str, Any]]:
    """Every stay and trip of a pilgrim, oldest first, for the journey and the case file."""
    items: list[dict[str, Any]] = []
    for stay in HotelStay.objects.filter(application=application).select_related(
        "hotel__organization"
    ):
        items.append({"kind": "hotel_stay", "at": stay.checked_in_at, "stay": stay})
    for passage in TripPassenger.objects.filter(application=application).select_related(
        "trip__operator__organization", "trip__from_station", "trip__to_station"
    ):
        at = passage.boarded_at or passage.trip.departure_at
        items.append({"kind": "trip", "at": at, "passage": passage})
    items.sort(key=lambda i: i["at"])
    return items


def pilgrim_hotel_stays(actor: User, application: Application) -> list[HotelStay]:
    """A pilgrim's hotel stays as the actor may read them, oldest first."""
    return list(
        hotel_stay_list(actor)
        .filter(application=application)
        .select_related("hotel__organization")
        .order_by("checked_in_at", "pk")
    )


def pilgrim_trips(actor: User, application: Application) -> list[TripPassenger]:
    """A pilgrim's places on trips as the actor may read them, by departure."""
    return list(
        trip_passenger_list(actor)
        .filter(application=application)
        .select_related("trip__operator__organization", "trip__from_station", "trip__to_station")
        .order_by("trip__departure_at", "pk")
    )


def journey_items(actor: User, application: Application) -> list[dict[str, Any]]:
    """The pilgrim's field events as items of the journey's timeline: each check-in,
    check-out and boarding (or planned departure of a trip not yet boarded)."""
    items: list[dict[str, Any]] = []
    blank = {"from_status": None, "to_status": None, "port_code": None, "direction": None}
    blank |= {"outcome": None, "refusal_code": None}
    for stay in pilgrim_hotel_stays(actor, application):
        place = stay.hotel.organization.code
        items.append(
            {
                **blank,
                "kind": "check_in",
                "at": stay.checked_in_at,
                "name": "check_in",
                "place": place,
                "city": stay.city,
            }
        )
        if stay.checked_out_at is not None:
            items.append(
                {
                    **blank,
                    "kind": "check_out",
                    "at": stay.checked_out_at,
                    "name": "check_out",
                    "place": place,
                    "city": stay.city,
                }
            )
    for passage in pilgrim_trips(actor, application):
        trip = passage.trip
        items.append(
            {
                **blank,
                "kind": "boarding" if passage.boarded_at else "trip",
                "at": passage.boarded_at or trip.departure_at,
                "name": f"{trip.from_city}-{trip.to_city}",
                "place": trip.operator.organization.code,
                "city": trip.from_city,
            }
        )
    return items


def hotel_in_house_count(hotel: Hotel) -> int:
    """Guests checked in at the hotel now (on the open-stays index; bounded by the beds)."""
    return HotelStay.objects.filter(hotel=hotel, checked_out_at__isnull=True).count()


def hotel_guests(hotel: Hotel) -> QuerySet[HotelStay]:
    """The hotel's guests in the house now, newest check-in first (the open-stays index)."""
    return (
        HotelStay.objects.filter(hotel=hotel, checked_out_at__isnull=True)
        .select_related("application", "pilgrim")
        .order_by("-checked_in_at", "-id")
    )
