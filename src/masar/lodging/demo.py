"""Demo data of accommodation and transport in the kingdom (runs after the border step):
licensed hotels in Makkah and Madinah, a coach operator and the Haramain train with its
stations, a planned itinerary on every group of the season, and for the pilgrims in the
country a coach from the airport, a check-in at their Makkah hotel, and for those who
entered weeks ago a check-out and the train to Madinah. About one pilgrim in six who
entered today has not checked in yet (the whereabouts sweep raises alerts from them).

The demo writes the planned stays directly (the groups' applications are submitted, so the
package is closed to its agent); each hotel's beds are still respected night by night.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone

from masar.accounts.models import Organization, User
from masar.accounts.roles import Role
from masar.accounts.services import user_create
from masar.applications.models import Application, Group
from masar.border.models import Stay
from masar.lodging.models import (
    City,
    Hotel,
    PlannedLeg,
    PlannedStay,
    TransportMode,
    TransportOperator,
)
from masar.lodging.services import (
    boardings_record,
    hotel_register,
    station_add,
    stays_record_batch,
    transport_operator_register,
    trip_record,
)
from masar.lodging.services.itinerary import hotel_peak
from masar.seasons.models import Season

HOTELS = [
    ("hotel-safwah", "Al Safwah Tower", "برج الصفوة", "HTL-MAK-0101", City.MAKKAH,
     "Ibrahim Al-Khalil Street, Ajyad", 1800),
    ("hotel-tawhid", "Dar Al Tawhid", "دار التوحيد", "HTL-MAK-0102", City.MAKKAH,
     "King Abdulaziz Gate, Central Area", 1200),
    ("hotel-bait", "Abraj Al Bait Hotel", "فندق أبراج البيت", "HTL-MAK-0103", City.MAKKAH,
     "King Abdulaziz Endowment, Ajyad", 2500),
    ("hotel-taiba", "Taiba Front", "طيبة فرونت", "HTL-MED-0201", City.MADINAH,
     "King Fahd Road, Central Area", 1400),
    ("hotel-hijra", "Dar Al Hijra", "دار الهجرة", "HTL-MED-0202", City.MADINAH,
     "Abu Dhar Al-Ghifari Street", 1100),
]  # fmt: skip

COACHES = ("coaches-rahlat", "Rahlat Al-Haramain Coaches", "حافلات رحلات الحرمين", "TRN-BUS-0301")
TRAIN = ("haramain-train", "Haramain High Speed Railway", "قطار الحرمين السريع", "TRN-RAIL-0001")
STATIONS = [
    ("MAK", City.MAKKAH, "Makkah station", "محطة مكة المكرمة"),
    ("JED", City.JEDDAH, "Jeddah Al-Sulaimaniyah station", "محطة جدة السليمانية"),
    ("KAIA", City.JEDDAH, "King Abdulaziz International Airport station", "محطة مطار الملك عبدالعزيز الدولي"),
    ("KAEC", City.KAEC, "King Abdullah Economic City station", "محطة مدينة الملك عبدالله الاقتصادية"),
    ("MED", City.MADINAH, "Madinah station", "محطة المدينة المنورة"),
]  # fmt: skip

#: Printed with the other demo logins by `masar demo-seed`.
DEMO_LOGINS = [
    ("hotel.safwah", "Front desk clerk, Al Safwah Tower (Makkah)", [Role.HOTEL_STAFF]),
    ("hotel.taiba", "Front desk clerk, Taiba Front (Madinah)", [Role.HOTEL_STAFF]),
    ("coaches.clerk", "Dispatcher, Rahlat Al-Haramain Coaches", [Role.TRANSPORT_STAFF]),
    ("train.clerk", "Boarding clerk, Haramain train", [Role.TRANSPORT_STAFF]),
]
# One in this many pilgrims who entered today has not reached the hotel yet.
NOT_ARRIVED_ONE_IN = 6


def _provider_setup(
    officer: User | None,
) -> tuple[list[Hotel], TransportOperator, TransportOperator]:
    hotels = []
    for code, name_en, name_ar, licence, city, address, beds in HOTELS:
        hotel = Hotel.objects.filter(organization__code=code).first() or hotel_register(
            actor=officer,
            code=code,
            name_en=name_en,
            name_ar=name_ar,
            licence_number=licence,
            city=city,
            address=address,
            beds=beds,
        )
        hotels.append(hotel)
    operators = []
    for (code, name_en, name_ar, licence), mode, fleet in (
        (COACHES, TransportMode.BUS, 140),
        (TRAIN, TransportMode.TRAIN, 35),
    ):
        operator = TransportOperator.objects.filter(
            organization__code=code
        ).first() or transport_operator_register(
            actor=officer,
            code=code,
            name_en=name_en,
            name_ar=name_ar,
            licence_number=licence,
            mode=mode,
            fleet_size=fleet,
        )
        operators.append(operator)
    coaches, train = operators
    for code, city, name, name_ar in STATIONS:
        if not train.stations.filter(code=code).exists():
            station_add(
                actor=officer, operator=train, code=code, city=city, name=name, name_ar=name_ar
            )
    return hotels, coaches, train


def _logins(officer: User | None) -> None:
    orgs = {
        "hotel.safwah": "hotel-safwah",
        "hotel.taiba": "hotel-taiba",
        "coaches.clerk": COACHES[0],
        "train.clerk": TRAIN[0],
    }
    password = User.objects.filter(username="hajj.licensing").values_list("password", flat=True)
    for username, label, roles in DEMO_LOGINS:
        if User.objects.filter(username=username).exists():
            continue
        first, _, last = label.partition(",")
        user = user_create(
            actor=officer,
            organization=Organization.objects.get(code=orgs[username]),
            username=username,
            password=None,
            roles=roles,
            first_name=first.strip(),
            last_name=last.strip(),
        )
        if password:
            User.objects.filter(pk=user.pk).update(password=password[0])
    for code in ("hotel-safwah", COACHES[0]):
        username = f"{code.split('-')[0]}.system" if code == "hotel-safwah" else "coaches.system"
        if not User.objects.filter(username=username).exists():
            user_create(
                actor=officer,
                organization=Organization.objects.get(code=code),
                username=username,
                password=None,
                roles=[Role.INTEGRATION],
                is_service_account=True,
            )


def _plan(
    season: Season, hotels: list[Hotel], coaches: TransportOperator, train: TransportOperator
) -> dict[int, tuple[Hotel, Hotel]]:
    """A planned itinerary per group: its Makkah nights then its Madinah nights, from the
    day its first pilgrim entered (else its planned arrival), at hotels with beds free."""
    makkah = [h for h in hotels if h.city == City.MAKKAH]
    madinah = [h for h in hotels if h.city == City.MADINAH]
    entered = dict(
        Stay.objects.filter(season=season)
        .values("application__group_id")
        .annotate(first=Min("entered_at"))
        .values_list("application__group_id", "first")
    )
    sizes = dict(
        Application.objects.filter(season=season)
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    )
    planned: dict[int, tuple[Hotel, Hotel]] = {}
    stays: list[PlannedStay] = []
    legs: list[PlannedLeg] = []
    have = set(PlannedStay.objects.filter(group__season=season).values_list("group_id", flat=True))
    for index, group in enumerate(Group.objects.filter(season=season).order_by("pk")):
        start = timezone.localdate(entered[group.pk]) if group.pk in entered else group.arrival_date
        if start is None:
            continue
        guests = max(sizes.get(group.pk, 0), 1)
        first_nights = max(group.makkah_nights, 1)
        second_nights = max(group.madinah_nights, 1)
        if group.pk in entered and entered[group.pk] < timezone.now() - dt.timedelta(days=15):
            first_nights = 10  # the long-stayers: ten nights in Makkah, then Madinah
        middle = start + dt.timedelta(days=first_nights)
        end = middle + dt.timedelta(days=second_nights)
        first = _free(makkah, index, start, middle, guests)
        second = _free(madinah, index, middle, end, guests)
        if first is None or second is None:
            continue
        planned[group.pk] = (first, second)
        if group.pk in have:
            continue
        stays += [
            PlannedStay(group=group, hotel=first, city=first.city, check_in=start,
                        check_out=middle, guests=guests),
            PlannedStay(group=group, hotel=second, city=second.city, check_in=middle,
                        check_out=end, guests=guests),
        ]  # fmt: skip
        legs += [
            PlannedLeg(group=group, operator=coaches, from_city=City.JEDDAH,
                       to_city=City.MAKKAH, travel_date=start),
            PlannedLeg(group=group, operator=train if index % 2 else coaches,
                       from_city=City.MAKKAH, to_city=City.MADINAH, travel_date=middle),
        ]  # fmt: skip
        # Planned one by one so that the next group sees these beds taken.
        PlannedStay.objects.bulk_create(stays)
        PlannedLeg.objects.bulk_create(legs)
        stays, legs = [], []
    return planned


def _free(
    hotels: list[Hotel], index: int, start: dt.date, end: dt.date, guests: int
) -> Hotel | None:
    for offset in range(len(hotels)):
        hotel = hotels[(index + offset) % len(hotels)]
        if not hotel_peak(hotel, start, end, extra=guests).over:
            return hotel
    return None


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any = None) -> list[str]:
    rng = random.Random(f"lodging-{season.pk}")  # noqa: S311 - demo data, not secrets
    officer = User.objects.filter(username="hajj.licensing").first()
    hotels, coaches, train = _provider_setup(officer)
    _logins(officer)
    planned = _plan(season, hotels, coaches, train)
    now = timezone.now().replace(microsecond=0)
    in_country = list(
        Stay.objects.filter(season=season, exited_at__isnull=True)
        .select_related("application", "visa")
        .order_by("pk")
    )
    check_ins: dict[int, list[dict[str, Any]]] = defaultdict(list)
    madinah_ins: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_airport: list[tuple[Stay, dt.datetime]] = []
    to_madinah: list[tuple[Stay, dt.datetime]] = []
    not_arrived = 0
    for index, stay in enumerate(in_country):
        plan = planned.get(stay.application.group_id)
        if plan is None:
            continue
        first, second = plan
        number = stay.visa.number
        long_ago = stay.entered_at < now - dt.timedelta(days=15)
        if not long_ago and index % NOT_ARRIVED_ONE_IN == 0:
            not_arrived += 1  # entered, never reached the hotel: the sweep's business
            continue
        boarded = min(stay.entered_at + dt.timedelta(minutes=rng.randint(30, 90)), now)
        by_airport.append((stay, boarded))
        arrived = min(boarded + dt.timedelta(minutes=rng.randint(60, 150)), now)
        check_ins[first.pk].append(_stay_event(number, "check_in", arrived))
        if long_ago:
            left = stay.entered_at + dt.timedelta(days=10, hours=9)
            check_ins[first.pk].append(_stay_event(number, "check_out", left))
            to_madinah.append((stay, left + dt.timedelta(hours=1)))
            madinah_ins[second.pk].append(
                _stay_event(number, "check_in", left + dt.timedelta(hours=5))
            )
    hotel_by_pk = {h.pk: h for h in hotels}
    recorded = 0
    for source in (check_ins, madinah_ins):
        for hotel_pk, events in source.items():
            for start in range(0, len(events), 500):
                results = stays_record_batch(
                    actor=None, hotel=hotel_by_pk[hotel_pk], events=events[start : start + 500]
                )
                recorded += sum(r.created for r in results)
    trips = _trips(coaches, by_airport, City.JEDDAH, City.MAKKAH, "BUS")
    trips += _trips(train, to_madinah, City.MAKKAH, City.MADINAH, "HHR")
    return [
        f"lodging: {len(hotels)} hotels, 2 operators (the train with {len(STATIONS)} stations), "
        f"{len(planned)} itineraries, {recorded} check-ins/outs, {trips} trips; "
        f"{not_arrived} pilgrim(s) entered but not checked in"
    ]


def _stay_event(visa_number: str, kind: str, at: dt.datetime) -> dict[str, Any]:
    return {
        "client_event_id": f"demo-{kind}-{visa_number}-{at:%Y%m%d}",
        "kind": kind,
        "occurred_at": at,
        "visa_number": visa_number,
        "source": "api",
    }


def _trips(
    operator: TransportOperator,
    riders: list[tuple[Stay, dt.datetime]],
    from_city: str,
    to_city: str,
    prefix: str,
) -> int:
    """One trip per hour of departure, its riders listed and boarded at their times."""
    by_hour: dict[dt.datetime, list[tuple[Stay, dt.datetime]]] = defaultdict(list)
    for stay, at in riders:
        by_hour[at.replace(minute=0, second=0)].append((stay, at))
    for hour, group in sorted(by_hour.items()):
        result = trip_record(
            actor=None,
            operator=operator,
            client_trip_id=f"{prefix}-{timezone.localtime(hour):%Y%m%d-%H}",
            from_city=from_city,
            to_city=to_city,
            departure_at=max(at for _stay, at in group),
            vehicle=f"{prefix}-{hour:%H}",
            driver="Demo crew",
            passengers=[{"visa_number": s.visa.number} for s, _at in group],
        )
        boardings_record(
            actor=None,
            trip=result.trip,
            boardings=[{"visa_number": s.visa.number, "boarded_at": at} for s, at in group],
        )
    return len(by_hour)
