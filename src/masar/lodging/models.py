"""Accommodation and transport inside the kingdom: licensed hotels and transport operators,
the planned itinerary of a group, and the field events (check-ins, check-outs, trips and
boardings) that tell where a pilgrim is between the entry and the exit.

`StayEvent` keeps every check-in and check-out as the hotel sent it, at its original time;
`HotelStay` is derived from them by replaying one pilgrim's events at one hotel in time
order, so that a late or duplicated batch converges to the same stays (as border crossings do).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from masar.accounts.models import Organization
from masar.applications.models import Application, Group, Pilgrim
from masar.operators.models import Company


class City(models.TextChoices):
    """The cities of the pilgrims' itineraries (the Haramain train's stations among them)."""

    MAKKAH = "makkah", pgettext_lazy("city", "Makkah")
    MADINAH = "madinah", pgettext_lazy("city", "Madinah")
    JEDDAH = "jeddah", pgettext_lazy("city", "Jeddah")
    TAIF = "taif", pgettext_lazy("city", "Taif")
    YANBU = "yanbu", pgettext_lazy("city", "Yanbu")
    KAEC = "kaec", pgettext_lazy("city", "King Abdullah Economic City")
    RIYADH = "riyadh", pgettext_lazy("city", "Riyadh")


class ProviderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class Hotel(models.Model):
    """A hotel licensed by the ministry to lodge pilgrims, with its capacity in beds."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="hotel"
    )
    licence_number = models.CharField(max_length=40, unique=True)
    city = models.CharField(max_length=12, choices=City.choices, db_index=True)
    address = models.CharField(max_length=300)
    beds = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization__code"]
        verbose_name = _("licensed hotel")

    def __str__(self) -> str:
        return self.organization.name_en

    @property
    def is_active(self) -> bool:
        return self.status == ProviderStatus.ACTIVE


class TransportMode(models.TextChoices):
    BUS = "bus", _("Bus")
    TRAIN = "train", _("Train")


class TransportOperator(models.Model):
    """A licensed transport operator: a bus company, or the Haramain train with its stations."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="transport_operator"
    )
    licence_number = models.CharField(max_length=40, unique=True)
    mode = models.CharField(max_length=6, choices=TransportMode.choices)
    fleet_size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization__code"]
        verbose_name = _("transport operator")

    def __str__(self) -> str:
        return self.organization.name_en

    @property
    def is_active(self) -> bool:
        return self.status == ProviderStatus.ACTIVE


class Station(models.Model):
    operator = models.ForeignKey(
        TransportOperator, on_delete=models.CASCADE, related_name="stations"
    )
    code = models.CharField(max_length=12)
    city = models.CharField(max_length=12, choices=City.choices)
    name = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)

    class Meta:
        ordering = ["operator", "code"]
        verbose_name = _("station")
        constraints = [
            models.UniqueConstraint(fields=["operator", "code"], name="station_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.operator_id}/{self.code}"

    def display_name(self, language: str = "ar") -> str:
        return self.name_ar if language.startswith("ar") and self.name_ar else self.name


class PlannedStay(models.Model):
    """Nights of a group's package in one city, at a licensed hotel, for `guests` pilgrims."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="planned_stays")
    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="planned_stays")
    city = models.CharField(max_length=12, choices=City.choices)
    check_in = models.DateField()
    check_out = models.DateField()
    guests = models.PositiveIntegerField(
        help_text=_("Beds the group takes at the hotel for these nights.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["check_in", "id"]
        verbose_name = _("planned stay")
        indexes = [models.Index(fields=["hotel", "check_in", "check_out"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_out__gt=F("check_in")), name="planned_stay_one_night"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_id} at {self.hotel_id} {self.check_in}..{self.check_out}"

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days


class PlannedLeg(models.Model):
    """An inter-city journey of the group's package, with the operator that carries it."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="planned_legs")
    operator = models.ForeignKey(
        TransportOperator, on_delete=models.PROTECT, related_name="planned_legs"
    )
    from_city = models.CharField(max_length=12, choices=City.choices)
    to_city = models.CharField(max_length=12, choices=City.choices)
    travel_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["travel_date", "id"]
        verbose_name = _("planned leg")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_city=F("to_city")), name="planned_leg_two_cities"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.from_city}->{self.to_city} {self.travel_date}"


class FieldSource(models.TextChoices):
    DESK = "desk", _("Front desk")
    API = "api", _("System API")


class StayEventKind(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in")
    CHECK_OUT = "check_out", _("Check-out")


class StayEvent(models.Model):
    """One check-in or check-out as the hotel sent it, at its original time."""

    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="stay_events")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="stay_events"
    )
    pilgrim = models.ForeignKey(Pilgrim, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=StayEventKind.choices)
    occurred_at = models.DateTimeField()
    client_event_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=6, choices=FieldSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["occurred_at", "client_event_id"]
        verbose_name = _("check-in or check-out")
        indexes = [
            models.Index(fields=["application", "occurred_at"]),
            models.Index(fields=["hotel", "occurred_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hotel", "client_event_id"], name="stay_event_unique_client_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_event_id}"


class HotelStay(models.Model):
    """A pilgrim's stay at a hotel: derived from the hotel's stay events, open while
    `checked_out_at` is null."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="hotel_stays"
    )
    pilgrim = models.ForeignKey(Pilgrim, on_delete=models.PROTECT, related_name="hotel_stays")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="stays")
    city = models.CharField(max_length=12, choices=City.choices)
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=6, choices=FieldSource.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        verbose_name = _("hotel stay")
        indexes = [
            models.Index(
                fields=["hotel", "checked_in_at", "id"],
                condition=Q(checked_out_at__isnull=True),
                name="hotel_stay_open_by_hotel",
            ),
            models.Index(
                fields=["city", "hotel"],
                condition=Q(checked_out_at__isnull=True),
                name="hotel_stay_open_by_city",
            ),
            models.Index(fields=["pilgrim", "checked_in_at"], name="hotel_stay_pilgrim_time"),
            models.Index(fields=["application", "checked_in_at"], name="hotel_stay_app_time"),
            models.Index(fields=["company", "checked_in_at"], name="hotel_stay_company_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "hotel", "checked_in_at"], name="hotel_stay_unique"
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=F("checked_in_at")),
                name="hotel_stay_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"stay of {self.application_id} at {self.hotel_id}"

    @property
    def is_open(self) -> bool:
        return self.checked_out_at is None


class Trip(models.Model):
    """A journey between two cities by an operator's vehicle, with its passenger list."""

    operator = models.ForeignKey(TransportOperator, on_delete=models.PROTECT, related_name="trips")
    client_trip_id = models.CharField(max_length=64)
    from_city = models.CharField(max_length=12, choices=City.choices)
    to_city = models.CharField(max_length=12, choices=City.choices)
    from_station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    departure_at = models.DateTimeField()
    vehicle = models.CharField(max_length=40, blank=True)
    driver = models.CharField(max_length=120, blank=True)
    source = models.CharField(max_length=6, choices=FieldSource.choices, default="api")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-departure_at", "-id"]
        verbose_name = _("trip")
        indexes = [models.Index(fields=["operator", "departure_at", "id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "client_trip_id"], name="trip_unique_client_id"
            ),
            models.CheckConstraint(condition=~Q(from_city=F("to_city")), name="trip_two_cities"),
        ]

    def __str__(self) -> str:
        return f"trip {self.client_trip_id}"


class TripPassenger(models.Model):
    """A pilgrim on a trip's list; `boarded_at` is set when the boarding is scanned."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="passengers")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="trip_passages"
    )
    pilgrim = models.ForeignKey(Pilgrim, on_delete=models.PROTECT, related_name="trip_passages")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    boarded_at = models.DateTimeField(null=True, blank=True)
    client_event_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["trip", "id"]
        verbose_name = _("trip passenger")
        indexes = [
            models.Index(fields=["application", "boarded_at"], name="trip_passenger_app_boarded"),
            models.Index(fields=["pilgrim", "boarded_at"], name="trip_passenger_pilgrim"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["trip", "application"], name="trip_passenger_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} on {self.trip_id}"
