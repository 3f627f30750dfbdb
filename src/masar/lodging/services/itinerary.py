"""A group's planned itinerary: nights per city at licensed hotels and the legs between
the cities with their operators (the return flight stays on the group's package).

The itinerary is set as a whole (`itinerary_set`), while the group's package may change
(before any of its applications is submitted). Each hotel's capacity is checked night by
night: the beds planned by every group at the hotel on a night, this one's included, may
not pass the hotel's beds. The hotels' rows are locked (in id order) for the check and the
write, so two groups booking the last beds at once cannot both get them (PostgreSQL test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications.lock_objects import group_lock
from masar.applications.models import Application, Group
from masar.applications.services.common import agent_of_actor
from masar.applications.states import ACTIVE_STATUSES
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.lodging.error_codes import LodgingError
from masar.lodging.models import City, Hotel, PlannedLeg, PlannedStay, TransportOperator

MAX_ITEMS = 20
MAX_NIGHTS = 120


@dataclass(frozen=True)
class NightLoad:
    """The busiest night of a hotel over some nights: its date and the beds planned."""

    night: dt.date
    planned: int
    beds: int

    @property
    def over(self) -> bool:
        return self.planned > self.beds


def hotel_peak(
    hotel: Hotel,
    check_in: dt.date,
    check_out: dt.date,
    *,
    extra: int = 0,
    exclude_group: int | None = None,
) -> NightLoad:
    """The night of [check_in, check_out) with the most beds planned at the hotel by every
    group (less `exclude_group`), plus `extra` beds on each night."""
    rows = PlannedStay.objects.filter(
        hotel=hotel, check_in__lt=check_out, check_out__gt=check_in
    ).values_list("check_in", "check_out", "guests")
    if exclude_group is not None:
        rows = rows.exclude(group_id=exclude_group)
    nights = (check_out - check_in).days
    load = [extra] * nights
    for start, end, guests in rows:
        first = max((start - check_in).days, 0)
        last = min((end - check_in).days, nights)
        for index in range(first, last):
            load[index] += guests
    peak = max(range(nights), key=lambda i: load[i]) if nights else 0
    return NightLoad(check_in + dt.timedelta(days=peak), load[peak] if nights else 0, hotel.beds)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _clean(
    stays: Sequence[Mapping[str, Any]], legs: Sequence[Mapping[str, Any]], default_guests: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    errors: dict[str, list[str]] = {}
    if len(stays) > MAX_ITEMS or len(legs) > MAX_ITEMS:
        raise ValidationFailed(
            LodgingError.INVALID_VALUE,
            _("At most %(max)d stays and %(max)d legs.") % {"max": MAX_ITEMS},
        )
    hotels = Hotel.objects.select_related("organization").in_bulk(
        [h for s in stays if (h := _whole(s.get("hotel_id"))) is not None]
    )
    operators = TransportOperator.objects.select_related("organization").in_bulk(
        [o for leg in legs if (o := _whole(leg.get("operator_id"))) is not None]
    )
    clean_stays: list[dict[str, Any]] = []
    for index, raw in enumerate(stays):
        key = f"stays.{index}"
        hotel = hotels.get(_whole(raw.get("hotel_id")) or 0)
        check_in, check_out = _date(raw.get("check_in")), _date(raw.get("check_out"))
        guests = raw.get("guests")
        guests = default_guests if guests in (None, "") else _whole(guests)
        if hotel is None:
            errors[f"{key}.hotel_id"] = [_("Unknown hotel.")]
        elif not hotel.is_active:
            errors[f"{key}.hotel_id"] = [_("This hotel's licence is suspended.")]
        if check_in is None:
            errors[f"{key}.check_in"] = [_("Write the date as YYYY-MM-DD.")]
        if check_out is None:
            errors[f"{key}.check_out"] = [_("Write the date as YYYY-MM-DD.")]
        elif check_in is not None and not 0 < (check_out - check_in).days <= MAX_NIGHTS:
            errors[f"{key}.check_out"] = [
                _("From one to %(max)d nights after the check-in.") % {"max": MAX_NIGHTS}
            ]
        if guests is None or guests < 1:
            errors[f"{key}.guests"] = [_("A number of beds, one or more.")]
        if not any(k.startswith(f"{key}.") for k in errors):
            clean_stays.append(
                {"hotel": hotel, "check_in": check_in, "check_out": check_out, "guests": guests}
            )
    ordered = sorted(clean_stays, key=lambda s: s["check_in"])
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after["check_in"] < before["check_out"]:
            errors.setdefault("stays", []).append(_("Two stays of the itinerary overlap."))
            break
    clean_legs: list[dict[str, Any]] = []
    for index, raw in enumerate(legs):
        key = f"legs.{index}"
        operator = operators.get(_whole(raw.get("operator_id")) or 0)
        from_city, to_city = str(raw.get("from_city") or ""), str(raw.get("to_city") or "")
        travel_date = _date(raw.get("travel_date"))
        if operator is None:
            errors[f"{key}.operator_id"] = [_("Unknown transport operator.")]
        elif not operator.is_active:
            errors[f"{key}.operator_id"] = [_("This operator's licence is suspended.")]
        if from_city not in City.values:
            errors[f"{key}.from_city"] = [_("Unknown city.")]
        if to_city not in City.values:
            errors[f"{key}.to_city"] = [_("Unknown city.")]
        elif to_city == from_city:
            errors[f"{key}.to_city"] = [_("A leg goes from one city to another.")]
        if travel_date is None:
            errors[f"{key}.travel_date"] = [_("Write the date as YYYY-MM-DD.")]
        if not any(k.startswith(f"{key}.") for k in errors):
            clean_legs.append(
                {
                    "operator": operator,
                    "from_city": from_city,
                    "to_city": to_city,
                    "travel_date": travel_date,
                }
            )
    if errors:
        raise ValidationFailed(
            LodgingError.INVALID_VALUE, _("The itinerary is not valid."), fields=errors
        )
    return ordered, clean_legs


def _lock_hotels(ids: Iterable[int]) -> dict[int, Hotel]:
    return {
        h.pk: h
        for h in Hotel.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
    }


def _live_count(group: Group) -> int:
    from masar.applications.states import ApplicationStatus as S

    ended = [S.WITHDRAWN, S.REJECTED, S.EXPIRED, S.CANCELLED]
    return Application.objects.filter(group=group).exclude(status__in=ended).count()


@transaction.atomic
def itinerary_set(
    *,
    actor: User,
    group: Group,
    stays: Sequence[Mapping[str, Any]],
    legs: Sequence[Mapping[str, Any]] = (),
) -> tuple[list[PlannedStay], list[PlannedLeg]]:
    """Replace the group's planned itinerary (its agent, while the package may change).

    A stay's `guests` defaults to the group's pilgrims (at least one). Refused whole, with
    field-level codes, when a hotel or an operator is unknown or suspended, dates are not
    in order, two stays overlap, or a hotel would be over its beds on a night
    (`hotel_over_capacity`, 409, naming the night)."""
    agent = agent_of_actor(actor)
    group = group_lock(group.pk)
    if group.agent_id != agent.pk:
        raise Forbidden(LodgingError.NOT_ALLOWED, _("This group belongs to another agent."))
    if Application.objects.filter(group=group, status__in=list(ACTIVE_STATUSES)).exists():
        raise Conflict(
            LodgingError.GROUP_LOCKED,
            _("The itinerary cannot change once applications of the group are submitted."),
        )
    clean_stays, clean_legs = _clean(stays, legs, default_guests=max(_live_count(group), 1))
    hotels = _lock_hotels(s["hotel"].pk for s in clean_stays)
    errors: dict[str, list[str]] = {}
    for index, stay in enumerate(clean_stays):
        hotel = hotels[stay["hotel"].pk]
        peak = hotel_peak(
            hotel,
            stay["check_in"],
            stay["check_out"],
            extra=stay["guests"],
            exclude_group=group.pk,
        )
        if peak.over:
            errors[f"stays.{index}.guests"] = [
                _("%(hotel)s has %(free)d of its %(beds)d beds free on the night of %(night)s.")
                % {
                    "hotel": hotel.organization.display_name(),
                    "free": max(peak.beds - (peak.planned - stay["guests"]), 0),
                    "beds": peak.beds,
                    "night": peak.night.isoformat(),
                }
            ]
    if errors:
        raise Conflict(
            LodgingError.OVER_CAPACITY,
            _("A hotel of the itinerary has not enough beds for these nights."),
            fields=errors,
        )
    before = itinerary_payload(group)
    PlannedStay.objects.filter(group=group).delete()
    PlannedLeg.objects.filter(group=group).delete()
    planned = PlannedStay.objects.bulk_create(
        [
            PlannedStay(
                group=group,
                hotel=hotels[s["hotel"].pk],
                city=hotels[s["hotel"].pk].city,
                check_in=s["check_in"],
                check_out=s["check_out"],
                guests=s["guests"],
            )
            for s in clean_stays
        ]
    )
    planned_legs = PlannedLeg.objects.bulk_create(
        [PlannedLeg(group=group, **leg) for leg in clean_legs]
    )
    audit_record(
        actor=actor,
        action="group.itinerary_set",
        target=group,
        details={"before": before, "after": itinerary_payload(group)},
    )
    return planned, planned_legs


def itinerary_payload(group: Group) -> dict[str, Any]:
    """The itinerary as plain data (audit details, API)."""
    return {
        "stays": [
            {
                "hotel_id": s.hotel_id,
                "city": s.city,
                "check_in": s.check_in.isoformat(),
                "check_out": s.check_out.isoformat(),
                "guests": s.guests,
            }
            for s in PlannedStay.objects.filter(group=group).order_by("check_in", "pk")
        ],
        "legs": [
            {
                "operator_id": leg.operator_id,
                "from_city": leg.from_city,
                "to_city": leg.to_city,
                "travel_date": leg.travel_date.isoformat(),
            }
            for leg in PlannedLeg.objects.filter(group=group).order_by("travel_date", "pk")
        ],
    }


def itinerary_problems(group: Group) -> list[tuple[str, str, str]]:
    """(rule code, field, message) of what is wrong with the group's planned hotels now: a
    suspended hotel, or a hotel over its beds on one of the group's nights."""
    problems: list[tuple[str, str, str]] = []
    seen: set[int] = set()
    for stay in PlannedStay.objects.filter(group=group).select_related("hotel__organization"):
        hotel = stay.hotel
        name = hotel.organization.display_name()
        if not hotel.is_active and hotel.pk not in seen:
            seen.add(hotel.pk)
            problems.append(
                (
                    "package_hotel_licensed",
                    "package.hotel",
                    _("The hotel %(hotel)s is not licensed: its licence is suspended.")
                    % {"hotel": name},
                )
            )
        peak = hotel_peak(hotel, stay.check_in, stay.check_out)
        if peak.over:
            problems.append(
                (
                    "package_hotel_capacity",
                    "package.hotel",
                    _(
                        "The hotel %(hotel)s is over its capacity on the night of %(night)s: "
                        "%(planned)d beds planned for %(beds)d."
                    )
                    % {
                        "hotel": name,
                        "night": peak.night.isoformat(),
                        "planned": peak.planned,
                        "beds": peak.beds,
                    },
                )
            )
    return problems


__all__ = ["NightLoad", "hotel_peak", "itinerary_payload", "itinerary_problems", "itinerary_set"]
