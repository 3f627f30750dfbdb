"""Reads of the whereabouts app, scoped to the actor (accounts/access_matrix.py, resource
`whereabouts_alerts`): a company reads its own pilgrims' alerts, an agent its own, the
ministries that track the pilgrims in the kingdom all of them, and only they read the
occupancy of the hotels and the counts of pilgrims whose whereabouts are unknown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from masar.accounts.access_matrix import Access, access
from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.applications.models import Application
from masar.applications.selectors import application_list
from masar.core.params import is_whole_number
from masar.lodging.models import City, Hotel, HotelStay, PlannedStay
from masar.lodging.selectors import LastKnown, pilgrim_last_known
from masar.operators.models import Agent, Company
from masar.whereabouts.models import (
    ACTIVE_STATUSES,
    AlertAnswer,
    AlertKind,
    AlertStatus,
    WhereaboutsAlert,
)

RESOURCE = "whereabouts_alerts"
#: The alert statuses a list page offers: key -> filter.
STATUS_FILTERS: dict[str, Q] = {
    "active": Q(status__in=ACTIVE_STATUSES),
    "open": Q(status=AlertStatus.OPEN),
    "escalated": Q(status=AlertStatus.ESCALATED),
    "answered": Q(status=AlertStatus.ANSWERED),
    "closed": Q(status=AlertStatus.CLOSED),
    "all": Q(),
}
#: Whereabouts unknown: an alert nobody answered yet, or answered with an absconding report.
UNKNOWN = Q(status__in=(AlertStatus.OPEN, AlertStatus.ESCALATED)) | Q(
    status=AlertStatus.ANSWERED, answer=AlertAnswer.ABSCONDED
)


NOTHING = Q(pk__in=[])


def is_reader(actor: Any) -> bool:
    return isinstance(actor, User) and access(actor, RESOURCE) != Access.NONE


def is_ministry_reader(actor: Any) -> bool:
    """Who reads every alert, the occupancy and the unknown counts (MoHU, MoI)."""
    return isinstance(actor, User) and access(actor, RESOURCE) == Access.ALL


def _scope(actor: User) -> Q | None:
    """The rows the actor may read; None means all of them. An operator's ids first, so
    that `company_id = x` reads the `(company, status, ...)` index."""
    level = access(actor, RESOURCE)
    if level == Access.ALL:
        return None
    org = actor.organization
    if level == Access.OWN and org is not None and org.kind == OrganizationKind.COMPANY:
        return Q(
            company_id__in=list(
                Company.objects.filter(organization=org).values_list("pk", flat=True)
            )
        )
    if level == Access.OWN and org is not None and org.kind == OrganizationKind.AGENT:
        return Q(
            agent_id__in=list(Agent.objects.filter(organization=org).values_list("pk", flat=True))
        )
    return Q(pk__in=[])


@dataclass(frozen=True)
class AlertFilters:
    """What the alert lists accept in their query string (unknown values are ignored)."""

    status: str = "active"
    kind: str = ""
    company: int | None = None
    nationality: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> AlertFilters:
        status = (query.get("status") or "active").strip()
        kind = (query.get("kind") or "").strip()
        company = (query.get("company") or "").strip()
        nationality = (query.get("nationality") or "").strip().upper()
        return cls(
            status=status if status in STATUS_FILTERS else "active",
            kind=kind if kind in AlertKind.values else "",
            company=int(company) if is_whole_number(company) else None,
            nationality=nationality if len(nationality) == 3 and nationality.isalpha() else "",
        )

    def apply(self, qs: QuerySet[WhereaboutsAlert]) -> QuerySet[WhereaboutsAlert]:
        qs = qs.filter(STATUS_FILTERS[self.status])
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.company is not None:
            qs = qs.filter(company_id=self.company)
        if self.nationality:
            qs = qs.filter(nationality=self.nationality)
        return qs


def alert_list(actor: User, filters: AlertFilters | None = None) -> QuerySet[WhereaboutsAlert]:
    """The alerts the actor reads, newest first (the keyset order of the list pages)."""
    qs = WhereaboutsAlert.objects.all()
    scope = _scope(actor)
    if scope is not None:
        qs = qs.filter(scope) if scope != NOTHING else qs.none()
    if filters is not None:
        qs = filters.apply(qs)
    return qs.select_related(
        "application",
        "pilgrim",
        "company__organization",
        "agent__organization",
        "hotel__organization",
        "answered_by",
    ).order_by("-detected_at", "-id")


def alert_get(actor: User, alert_id: int) -> WhereaboutsAlert | None:
    return alert_list(actor).filter(pk=alert_id).first()


def unknown_list(actor: User, filters: AlertFilters | None = None) -> QuerySet[Any]:
    """The pilgrims whose whereabouts are unknown (one row per alert), newest first."""
    base = filters or AlertFilters()
    return alert_list(
        actor,
        AlertFilters(
            status="all", kind=base.kind, company=base.company, nationality=base.nationality
        ),
    ).filter(UNKNOWN)


@dataclass(frozen=True)
class UnknownCount:
    key: str
    label: str
    count: int


def unknown_counts(actor: User, *, by: str, language: str = "ar") -> list[UnknownCount]:
    """Pilgrims whose whereabouts are unknown, by company or by nationality (distinct
    applications: one pilgrim with two alerts counts once)."""
    qs = WhereaboutsAlert.objects.filter(UNKNOWN)
    scope = _scope(actor)
    if scope == NOTHING:
        return []
    if scope is not None:
        qs = qs.filter(scope)
    arabic = language.startswith("ar")
    if by == "company":
        rows = (
            qs.order_by()
            .values(key=F("company_id"))
            .annotate(n=Count("application_id", distinct=True))
            .order_by("-n", "key")
        )
        names = {
            c.pk: (
                c.organization.name_ar
                if arabic and c.organization.name_ar
                else c.organization.name_en
            )
            for c in Company.objects.filter(pk__in=[r["key"] for r in rows]).select_related(
                "organization"
            )
        }
        return [
            UnknownCount(str(r["key"]), names.get(r["key"], str(r["key"])), r["n"]) for r in rows
        ]
    rows = (
        qs.order_by()
        .values(key=F("nationality"))
        .annotate(n=Count("application_id", distinct=True))
        .order_by("-n", "key")
    )
    return [UnknownCount(str(r["key"]), str(r["key"]), r["n"]) for r in rows]


# --- Occupancy --------------------------------------------------------------------------


@dataclass(frozen=True)
class HotelOccupancy:
    hotel: Hotel
    guests: int
    planned: int

    @property
    def free(self) -> int:
        return self.hotel.beds - self.guests

    @property
    def over(self) -> bool:
        return self.guests > self.hotel.beds

    @property
    def percent(self) -> int:
        return round(100 * self.guests / self.hotel.beds) if self.hotel.beds else 0


@dataclass(frozen=True)
class CityOccupancy:
    city: str
    label: str
    beds: int
    guests: int
    planned: int
    hotels: list[HotelOccupancy]

    @property
    def percent(self) -> int:
        return round(100 * self.guests / self.beds) if self.beds else 0


def occupancy(*, city: str = "", today: dt.date | None = None) -> list[CityOccupancy]:
    """Guests checked in now per hotel (one GROUP BY over the open stays' partial index)
    against the hotel's beds and the guests the plans put there tonight, by city."""
    today = today or timezone.localdate()
    open_stays = HotelStay.objects.filter(checked_out_at__isnull=True)
    hotels = Hotel.objects.select_related("organization").order_by("city", "organization__code")
    if city:
        open_stays = open_stays.filter(city=city)
        hotels = hotels.filter(city=city)
    guests = dict(
        open_stays.order_by()
        .values("hotel_id")
        .annotate(n=Count("id"))
        .values_list("hotel_id", "n")
    )
    planned = dict(
        PlannedStay.objects.filter(check_in__lte=today, check_out__gt=today)
        .order_by()
        .values("hotel_id")
        .annotate(n=Sum("guests"))
        .values_list("hotel_id", "n")
    )
    by_city: dict[str, list[HotelOccupancy]] = {}
    for hotel in hotels:
        by_city.setdefault(hotel.city, []).append(
            HotelOccupancy(hotel, guests.get(hotel.pk, 0), planned.get(hotel.pk) or 0)
        )
    labels = dict(City.choices)
    return [
        CityOccupancy(
            city=key,
            label=str(labels.get(key, key)),
            beds=sum(h.hotel.beds for h in rows),
            guests=sum(h.guests for h in rows),
            planned=sum(h.planned for h in rows),
            hotels=rows,
        )
        for key, rows in by_city.items()
    ]


# --- Where is this pilgrim now ----------------------------------------------------------


@dataclass(frozen=True)
class PilgrimWhereabouts:
    application: Application
    last_known: LastKnown | None
    in_kingdom: bool
    alerts: list[WhereaboutsAlert]


def pilgrim_find(actor: User, key: str) -> Application | None:
    """The application asked for, by its number, its id or the pilgrim's passport number
    (the latest application of that passport); None when the actor may not read it."""
    key = (key or "").strip()
    if not key:
        return None
    qs = application_list(actor=actor)
    # One indexed lookup at a time: an OR across the pilgrim join reads every application.
    found = qs.filter(number=key.upper()).first()
    if found is None and is_whole_number(key):
        found = qs.filter(pk=int(key)).first()
    if found is None:
        found = qs.filter(pilgrim__passport_number=key.upper()).order_by("-id").first()
    return found


def pilgrim_whereabouts(actor: User, application: Application) -> PilgrimWhereabouts:
    """Where the pilgrim was last seen (the last event of any kind, with its source), and
    the alerts the actor reads about them, active first."""
    from masar.border.models import Stay

    alerts = list(
        alert_list(actor).filter(application=application).order_by("-detected_at", "-id")[:20]
    )
    alerts.sort(key=lambda a: not a.is_active)
    return PilgrimWhereabouts(
        application=application,
        last_known=pilgrim_last_known(application),
        in_kingdom=Stay.objects.filter(application=application, exited_at__isnull=True).exists(),
        alerts=alerts,
    )
