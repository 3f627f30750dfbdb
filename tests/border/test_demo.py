"""The border demo step: ports, postings, entries, exits and a few overstays, fast."""

from __future__ import annotations

import io
import random
import time
from typing import Any

import pytest

from masar.accounts.roles import Role
from masar.border.demo import OVERSTAYERS, demo_seed_step
from masar.border.models import Crossing, Overstay, Port, PortAssignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_step(issued: Any, season: Any, moi: Any) -> None:
    UserFactory(username="border.jed", organization=moi, roles=[Role.BORDER_OFFICER])
    visas = [issued() for _ in range(OVERSTAYERS + 6)]
    out = io.StringIO()
    started = time.perf_counter()
    report = demo_seed_step(rng=random.Random(1), season=season, stdout=out)
    assert time.perf_counter() - started < 5
    assert Port.objects.filter(code__in=["JED", "MED", "HADITHA", "JIP"]).count() == 4
    assert PortAssignment.objects.get().port.code == "JED"
    assert Overstay.objects.count() == OVERSTAYERS
    assert Crossing.objects.filter(outcome="refused").count() == 0
    assert Crossing.objects.filter(direction="entry").count() == OVERSTAYERS + 4
    assert len(visas) == OVERSTAYERS + 6
    assert len(report) == 1
    assert out.getvalue() == ""  # demo_seed prints the lines of every step, once
    # run again: nothing new (idempotent on the client event ids)
    demo_seed_step(rng=random.Random(1), season=season, stdout=io.StringIO())
    assert Overstay.objects.count() == OVERSTAYERS
