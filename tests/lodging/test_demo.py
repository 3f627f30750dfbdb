"""The lodging demo step: hotels, the coach operator and the train with its stations,
itineraries, check-ins and trips for the pilgrims in the country, a few who never arrived;
idempotent and fast."""

from __future__ import annotations

import io
import random
import time
from typing import Any

import pytest
from django.core.management import call_command

from masar.accounts.models import User
from masar.border.demo import OVERSTAYERS
from masar.border.demo import demo_seed_step as border_step
from masar.border.models import Stay
from masar.lodging.demo import DEMO_LOGINS, demo_seed_step
from masar.lodging.models import (
    Hotel,
    HotelStay,
    PlannedLeg,
    PlannedStay,
    Station,
    TransportOperator,
    Trip,
    TripPassenger,
)
from masar.lodging.selectors import pilgrim_last_known

pytestmark = pytest.mark.django_db


def test_the_demo_step(issued: Any, season: Any) -> None:
    for _ in range(OVERSTAYERS + 14):
        issued()
    border_step(rng=random.Random(1), season=season, stdout=io.StringIO())
    in_country = Stay.objects.filter(exited_at__isnull=True).count()
    started = time.perf_counter()
    report = demo_seed_step(rng=random.Random(1), season=season, stdout=io.StringIO())
    assert time.perf_counter() - started < 10
    assert len(report) == 1
    assert sorted(Hotel.objects.values_list("city", flat=True)) == ["madinah"] * 2 + ["makkah"] * 3
    assert set(Hotel.objects.values_list("organization__name_ar", flat=True)) >= {"برج الصفوة"}
    train = TransportOperator.objects.get(mode="train")
    assert Station.objects.filter(operator=train).count() == 5
    assert PlannedStay.objects.count() == 2 and PlannedLeg.objects.count() == 2  # one group
    stays = HotelStay.objects.count()
    assert 0 < stays
    never_checked_in = in_country - HotelStay.objects.values("application").distinct().count()
    assert never_checked_in >= 1
    assert TripPassenger.objects.filter(boarded_at__isnull=False).exists()
    assert Trip.objects.filter(operator=train).exists()  # the long-stayers went to Madinah
    some = HotelStay.objects.first()
    assert pilgrim_last_known(some.application_id) is not None
    for username, _label, roles in DEMO_LOGINS:
        assert User.objects.get(username=username).has_role(*roles)
    # Run again: nothing new.
    demo_seed_step(rng=random.Random(1), season=season, stdout=io.StringIO())
    assert HotelStay.objects.count() == stays
    assert PlannedStay.objects.count() == 2


def test_the_demo_logins_are_printed(db: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("masar.demo.management.commands.demo_seed.demo_is_seeded", lambda: True)
    out = io.StringIO()
    call_command("demo_seed", "--if-empty", stdout=out)
    assert "hotel.safwah" in out.getvalue() and "train.clerk" in out.getvalue()
