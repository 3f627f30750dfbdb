"""Demo data of the whereabouts app (runs after the lodging step, which plans the groups'
packages and checks most pilgrims in): a few pilgrims of planned groups who have no hotel
stay are given an entry thirty hours ago, so that the sweep, run at the end of the step,
finds them not checked in and opens an alert to their company and agent each."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from masar.applications.models import Application
from masar.border.models import Crossing, Stay
from masar.lodging.models import HotelStay, PlannedStay
from masar.seasons.models import Season
from masar.whereabouts.services import whereabouts_sweep

MISSING = 3
ENTERED_HOURS_AGO = 30


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any) -> list[str]:
    now = timezone.now().replace(microsecond=0)
    unlodged = (
        Stay.objects.filter(season=season, exited_at__isnull=True)
        .filter(
            Exists(PlannedStay.objects.filter(group_id=OuterRef("application__group_id"))),
            ~Exists(HotelStay.objects.filter(application_id=OuterRef("application_id"))),
        )
        .order_by("pk")
    )
    chosen = list(unlodged[:MISSING])
    back = now - dt.timedelta(hours=ENTERED_HOURS_AGO)
    for stay in chosen:
        if stay.entered_at <= back:
            continue
        Stay.objects.filter(pk=stay.pk).update(entered_at=back)
        Crossing.objects.filter(pk=stay.entry_crossing_id).update(occurred_at=back)
        Application.objects.filter(pk=stay.application_id).update(entered_at=back)
    result = whereabouts_sweep(now=now)
    by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(result.by_kind.items()))
    return [f"whereabouts: {result.raised} open alert(s) ({by_kind or 'none'})"]
