"""Demo data of the border app (runs after the visas step): the reference ports, the demo
border officers posted at Jeddah and Madinah, entries for most valid visas of the season
(today, at the airports and a land port), exits for some, and a few overstays: four visas
get a shortened stay (10 days, entry 30 days ago) so that the sweep finds them."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from masar.accounts.models import User
from masar.border.models import Port, PortAssignment
from masar.border.services import crossings_record_batch, overstay_sweep, ports_load
from masar.seasons.models import Season
from masar.visas.models import Visa

OVERSTAYERS = 4
POSTINGS = {"border.jed": "JED", "border.med": "MED"}


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any) -> list[str]:
    rng = random.Random(f"border-{season.pk}")  # noqa: S311 - demo data, not secrets
    ports_load()
    ports = {p.code: p for p in Port.objects.all()}
    for username, code in POSTINGS.items():
        officer = User.objects.filter(username=username).first()
        if officer is not None:
            PortAssignment.objects.get_or_create(
                user=officer, port=ports[code], ended_at__isnull=True
            )
    visas = list(
        Visa.objects.filter(season=season, status="valid")
        .select_related("application")
        .order_by("pk")
    )
    now = timezone.now().replace(microsecond=0)
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0)
    since_midnight = max(int((now - midnight).total_seconds()) - 60, 60)
    late, rest = visas[:OVERSTAYERS], visas[OVERSTAYERS:]
    today = timezone.localdate(now)
    Visa.objects.filter(pk__in=[v.pk for v in late]).update(
        valid_from=today - dt.timedelta(days=40), stay_days=10
    )
    events: list[dict[str, Any]] = []
    for visa in late:
        events.append(_event(visa, "entry", "JED", now - dt.timedelta(days=30)))
    entering = rest[: int(len(rest) * 0.7)]
    leaving = set(rng.sample(range(len(entering)), k=len(entering) // 5))
    for index, visa in enumerate(entering):
        port = rng.choice(["JED", "JED", "MED", "HADITHA", "JIP"])
        entered = midnight + dt.timedelta(seconds=rng.randint(0, since_midnight // 2))
        events.append(_event(visa, "entry", port, entered))
        if index in leaving:
            left = entered + dt.timedelta(seconds=rng.randint(60, max(61, since_midnight // 2)))
            events.append(_event(visa, "exit", rng.choice(["JED", "RUH"]), min(left, now)))
    for start in range(0, len(events), 500):
        crossings_record_batch(actor=None, events=events[start : start + 500])
    detected = overstay_sweep().detected
    line = (
        f"border: {len(ports)} ports, {len(entering) + len(late)} entries, {len(leaving)} exits, "
        f"{detected} overstay(s) detected"
    )
    return [line]


def _event(visa: Visa, direction: str, port: str, at: dt.datetime) -> dict[str, Any]:
    return {
        "client_event_id": f"demo-{direction}-{visa.number}",
        "port_code": port,
        "direction": direction,
        "occurred_at": at,
        "visa_number": visa.number,
        "source": "gate",
    }
