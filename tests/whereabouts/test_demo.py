"""The whereabouts demo step: pilgrims of planned groups without a hotel stay get an entry
thirty hours ago, and the sweep opens an alert for each."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest

from masar.whereabouts.demo import MISSING, demo_seed_step
from masar.whereabouts.models import WhereaboutsAlert

pytestmark = pytest.mark.django_db


def test_the_demo_step_opens_a_few_alerts(
    pilgrim_in: Any, check_in: Any, madinah_hotel: Any, planned_group: Any, now: dt.datetime
) -> None:
    lodged = pilgrim_in(hours_ago=2, now=now)
    check_in(lodged, madinah_hotel, now - dt.timedelta(hours=1))
    unlodged = [pilgrim_in(hours_ago=2, now=now) for _ in range(MISSING + 1)]
    report = demo_seed_step(rng=random.Random(1), season=planned_group.season, stdout=io.StringIO())
    alerts = list(WhereaboutsAlert.objects.order_by("application_id"))
    assert [(a.application_id, a.kind, a.status) for a in alerts] == [
        (u.pk, "not_checked_in", "open") for u in unlodged[:MISSING]
    ]
    assert report == [f"whereabouts: {MISSING} open alert(s) (not_checked_in {MISSING})"]
    demo_seed_step(rng=random.Random(1), season=planned_group.season, stdout=io.StringIO())
    assert WhereaboutsAlert.objects.count() == MISSING
