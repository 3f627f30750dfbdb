"""Trips between the cities: an operator posts a trip with its passenger list
(`trip_record`, idempotent on the operator's client trip id), then the boarding scans
(`boardings_record`, idempotent: a passenger boards once, at the first scan's time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.applications.lock_objects import applications_lock
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.integration.services import event_emit
from masar.integration.services.outbox import events_emit_bulk
from masar.lodging.error_codes import LodgingError
from masar.lodging.models import (
    City,
    FieldSource,
    Station,
    TransportOperator,
    Trip,
    TripPassenger,
)
from masar.lodging.services.identity import (
    Identity,
    has_identity,
    identities_resolve,
    identity_from,
)
from masar.lodging.services.stays import CLOCK_SKEW, as_moment

MAX_PASSENGERS = 1000
RECORDERS = (Role.TRANSPORT_STAFF, Role.SUPERVISOR, Role.INTEGRATION)


@dataclass
class PassengerAnswer:
    index: int
    accepted: bool
    code: str = ""
    passenger: TripPassenger | None = None


@dataclass
class TripResult:
    trip: Trip
    created: bool
    passengers: list[PassengerAnswer] = field(default_factory=list)


def operator_of(actor: User | None) -> TransportOperator:
    """The operator the actor works for; only its staff and systems post trips."""
    org = actor.organization if actor is not None else None
    operator = (
        TransportOperator.objects.filter(organization=org).select_related("organization").first()
        if actor is not None
        and org is not None
        and org.kind == OrganizationKind.TRANSPORT
        and actor.has_role(*RECORDERS)
        else None
    )
    if operator is None:
        raise Forbidden(
            LodgingError.NOT_ALLOWED, _("Only a transport operator's staff record its trips.")
        )
    return operator


def _check_passengers(passengers: Sequence[Mapping[str, Any]], prefix: str = "passengers") -> None:
    if len(passengers) > MAX_PASSENGERS:
        raise ValidationFailed(
            LodgingError.BATCH_TOO_LARGE,
            _("At most %(max)d passengers per trip.") % {"max": MAX_PASSENGERS},
        )
    errors = {
        f"{prefix}.{i}.passport_number": [
            _("Give the passport (or its MRZ), the visa seal or number, or the application.")
        ]
        for i, p in enumerate(passengers)
        if not has_identity(p)
    }
    if errors:
        raise ValidationFailed(
            LodgingError.INVALID_VALUE, _("Some passengers are not valid."), fields=errors
        )


def _station(operator: TransportOperator, code: str, city: str, name: str) -> Station | None:
    if not code:
        return None
    station = Station.objects.filter(operator=operator, code=code.upper()).first()
    if station is None:
        raise ValidationFailed(
            LodgingError.STATION_NOT_FOUND,
            _("The operator has no such station."),
            fields={name: [_("Unknown station.")]},
        )
    if station.city != city:
        raise ValidationFailed(
            LodgingError.CITY_MISMATCH,
            _("The station is not in that city."),
            fields={name: [_("The station is in another city.")]},
        )
    return station


def trip_record(
    *,
    actor: User | None,
    client_trip_id: str,
    from_city: str,
    to_city: str,
    departure_at: dt.datetime,
    passengers: Sequence[Mapping[str, Any]] = (),
    vehicle: str = "",
    driver: str = "",
    from_station: str = "",
    to_station: str = "",
    source: str = FieldSource.API,
    operator: TransportOperator | None = None,
) -> TripResult:
    """Record a trip with its passenger list; a replayed `client_trip_id` answers the stored
    trip (`created` False) and adds the passengers it did not have yet."""
    if actor is not None or operator is None:
        operator = operator_of(actor)
    errors: dict[str, list[str]] = {}
    if from_city not in City.values:
        errors["from_city"] = [_("Unknown city.")]
    if to_city not in City.values:
        errors["to_city"] = [_("Unknown city.")]
    if not errors and from_city == to_city:
        errors["to_city"] = [_("A trip goes from one city to another.")]
    if not client_trip_id.strip() or len(client_trip_id) > 64:
        errors["client_trip_id"] = [_("A client trip id of 1 to 64 characters is required.")]
    moment = as_moment(departure_at)
    if moment is None:
        errors["departure_at"] = [_("A time with its UTC offset is required.")]
    if errors:
        raise ValidationFailed(
            LodgingError.INVALID_VALUE, _("The trip is not valid."), fields=errors
        )
    assert moment is not None  # noqa: S101 - checked above
    _check_passengers(passengers)
    if not operator.is_active:
        raise Conflict(LodgingError.PROVIDER_SUSPENDED, _("This operator is suspended."))
    start = _station(operator, from_station, from_city, "from_station")
    end = _station(operator, to_station, to_city, "to_station")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _trip_locked(
                    actor=actor,
                    operator=operator,
                    client_trip_id=client_trip_id.strip(),
                    values={
                        "from_city": from_city,
                        "to_city": to_city,
                        "from_station": start,
                        "to_station": end,
                        "departure_at": moment,
                        "vehicle": vehicle[:40],
                        "driver": driver[:120],
                        "source": source,
                    },
                    passengers=passengers,
                )
        except IntegrityError:
            continue
    raise ValidationFailed(LodgingError.INVALID_VALUE, _("The trip could not be stored."))


def _trip_locked(
    *,
    actor: User | None,
    operator: TransportOperator,
    client_trip_id: str,
    values: dict[str, Any],
    passengers: Sequence[Mapping[str, Any]],
) -> TripResult:
    trip = (
        Trip.objects.select_for_update(of=("self",))
        .filter(operator=operator, client_trip_id=client_trip_id)
        .first()
    )
    created = trip is None
    if trip is None:
        trip = Trip.objects.create(
            operator=operator, client_trip_id=client_trip_id, recorded_by=actor, **values
        )
    elif (trip.from_city, trip.to_city) != (values["from_city"], values["to_city"]):
        raise Conflict(
            LodgingError.TRIP_ID_REUSED,
            _("This client trip id names another trip."),
            fields={"client_trip_id": [_("Already used for another trip.")]},
        )
    answers = _add_passengers(trip, passengers)
    if created:
        audit_record(
            actor=actor,
            action="trip.recorded",
            target=trip,
            organization=operator.organization,
            details={
                "client_trip_id": client_trip_id,
                "from_city": trip.from_city,
                "to_city": trip.to_city,
                "passengers": sum(a.accepted for a in answers),
            },
        )
        event_emit(
            type="trip.recorded",
            subject=trip,
            payload={
                "trip_id": trip.pk,
                "client_trip_id": client_trip_id,
                "operator_id": operator.pk,
                "from_city": trip.from_city,
                "to_city": trip.to_city,
                "departure_at": trip.departure_at,
                "passengers": sum(a.accepted for a in answers),
            },
            organizations=[operator.organization_id],
        )
    return TripResult(trip=trip, created=created, passengers=answers)


def _add_passengers(trip: Trip, passengers: Sequence[Mapping[str, Any]]) -> list[PassengerAnswer]:
    identities = [identity_from(p) for p in passengers]
    identities_resolve(identities)
    have = {
        p.application_id: p
        for p in TripPassenger.objects.filter(trip=trip).select_related("application")
    }
    answers: list[PassengerAnswer] = []
    new: dict[int, TripPassenger] = {}
    for index, identity in enumerate(identities):
        app = identity.application
        if app is None:
            answers.append(
                PassengerAnswer(index, accepted=False, code=identity.problem or "no_visa")
            )
            continue
        passenger = have.get(app.pk) or new.get(app.pk)
        if passenger is None:
            passenger = TripPassenger(
                trip=trip, application=app, pilgrim_id=app.pilgrim_id, company_id=app.company_id
            )
            new[app.pk] = passenger
        answers.append(PassengerAnswer(index, accepted=True, passenger=passenger))
    TripPassenger.objects.bulk_create(list(new.values()))
    return answers


@dataclass
class BoardingAnswer:
    index: int
    accepted: bool
    created: bool = False
    code: str = ""
    passenger: TripPassenger | None = None


def boardings_record(
    *,
    actor: User | None,
    trip: Trip,
    boardings: Sequence[Mapping[str, Any]],
    add_unlisted: bool = False,
) -> list[BoardingAnswer]:
    """Record boarding scans on a trip: each names the pilgrim and its `boarded_at`
    (original time) and `client_event_id`. A passenger boards once: a later scan keeps the
    first time, an earlier late scan replaces it. A pilgrim not on the list is refused
    (`not_on_trip`) unless `add_unlisted`."""
    operator = operator_of(actor) if actor is not None else trip.operator
    if trip.operator_id != operator.pk:
        raise Forbidden(LodgingError.NOT_ALLOWED, _("This trip is another operator's."))
    if not boardings:
        raise ValidationFailed(LodgingError.INVALID_VALUE, _("No boarding was given."))
    _check_passengers(boardings, prefix="boardings")
    now = timezone.now()
    moments: list[dt.datetime] = []
    errors: dict[str, list[str]] = {}
    for index, raw in enumerate(boardings):
        moment = as_moment(raw.get("boarded_at") or now)
        if moment is None:
            errors[f"boardings.{index}.boarded_at"] = [_("A time with its UTC offset is required.")]
        elif moment > now + CLOCK_SKEW:
            errors[f"boardings.{index}.boarded_at"] = [_("The time is in the future.")]
        moments.append(moment or now)
    if errors:
        raise ValidationFailed(
            LodgingError.INVALID_VALUE, _("Some boardings are not valid."), fields=errors
        )
    identities: list[Identity] = [identity_from(b) for b in boardings]
    identities_resolve(identities)
    with transaction.atomic():
        app_ids = sorted({i.application.pk for i in identities if i.application is not None})
        list(applications_lock(app_ids))
        on_list = {
            p.application_id: p
            for p in TripPassenger.objects.select_for_update(of=("self",))
            .filter(trip=trip, application_id__in=app_ids)
            .select_related("application__agent", "application__company")
        }
        answers: list[BoardingAnswer] = []
        changed: dict[int, TripPassenger] = {}
        for index, identity in enumerate(identities):
            app = identity.application
            if app is None:
                answers.append(BoardingAnswer(index, False, code=identity.problem or "no_visa"))
                continue
            passenger = on_list.get(app.pk)
            if passenger is None and add_unlisted:
                passenger = TripPassenger.objects.create(
                    trip=trip, application=app, pilgrim_id=app.pilgrim_id, company_id=app.company_id
                )
                on_list[app.pk] = passenger
            if passenger is None:
                answers.append(BoardingAnswer(index, False, code=LodgingError.NOT_ON_TRIP))
                continue
            moment = moments[index]
            created = passenger.boarded_at is None
            if passenger.boarded_at is None or moment < passenger.boarded_at:
                passenger.boarded_at = moment
                passenger.client_event_id = str(boardings[index].get("client_event_id") or "")[:64]
                changed[passenger.pk] = passenger
            answers.append(BoardingAnswer(index, True, created=created, passenger=passenger))
        if changed:
            TripPassenger.objects.bulk_update(
                list(changed.values()), ["boarded_at", "client_event_id"]
            )
            events_emit_bulk(
                type="trip.boarded",
                items=[
                    (
                        p,
                        {
                            "trip_id": trip.pk,
                            "operator_id": trip.operator_id,
                            "from_city": trip.from_city,
                            "to_city": trip.to_city,
                            "application_id": p.application_id,
                            "company_id": p.company_id,
                            "agent_id": p.application.agent_id,
                            "boarded_at": p.boarded_at,
                            "travel_date": timezone.localdate(p.boarded_at),
                        },
                        [
                            trip.operator.organization_id,
                            p.application.company.organization_id,
                            p.application.agent.organization_id,
                        ],
                    )
                    for p in changed.values()
                ],
            )
            audit_record(
                actor=actor,
                action="trip.boarded",
                target=trip,
                organization=trip.operator.organization,
                details={"boardings": len(changed)},
            )
    return answers
