"""On PostgreSQL, with real concurrency: the same batch sent twice at once is stored once;
two sweeps at once detect each overstayer once; an exit racing the sweep leaves a
consistent state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.applications.models import Application, ApplicationTransition
from masar.border.models import Crossing, Overstay, Stay
from masar.border.services import crossings_record_batch, overstay_sweep
from masar.core.dates import riyadh_today
from masar.integration.models import OutboxEvent
from masar.visas.models import Visa
from tests.border.conftest import crossing
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_batch_twice_at_once_is_stored_once(visa_for: Any, gate: Any, ports: Any) -> None:
    visas = [visa_for() for _ in range(4)]
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    batch = [crossing(v, "entry", at, cid=f"twice-{i}") for i, v in enumerate(visas)]
    results = run_together(
        lambda: crossings_record_batch(actor=gate, events=batch),
        lambda: crossings_record_batch(actor=gate, events=list(reversed(batch))),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    created = sorted(sum(r.created for r in result) for result in results)
    assert created == [0, 4]
    assert Crossing.objects.count() == 4
    assert Stay.objects.count() == 4
    assert ApplicationTransition.objects.filter(name="enter").count() == 4
    assert OutboxEvent.objects.filter(type="crossing.recorded").count() == 4


def _overstayers(visa_for: Any, gate: Any, count: int) -> list[Visa]:
    visas = [visa_for(days_ago=20) for _ in range(count)]
    Visa.objects.filter(pk__in=[v.pk for v in visas]).update(stay_days=3)
    entered = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    crossings_record_batch(
        actor=gate,
        events=[crossing(Visa.objects.get(pk=v.pk), "entry", entered) for v in visas],
    )
    return visas


def test_two_sweeps_at_once_detect_each_overstayer_once(
    visa_for: Any, gate: Any, ports: Any
) -> None:
    _overstayers(visa_for, gate, 3)
    today = riyadh_today()
    results = run_together(lambda: overstay_sweep(as_of=today), lambda: overstay_sweep(as_of=today))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.detected for r in results) == [0, 3]
    assert Overstay.objects.count() == 3
    assert OutboxEvent.objects.filter(type="overstay.detected").count() == 3
    assert ApplicationTransition.objects.filter(name="overstay").count() == 3


def test_an_exit_racing_the_sweep_leaves_a_consistent_state(
    visa_for: Any, gate: Any, ports: Any
) -> None:
    (visa,) = _overstayers(visa_for, gate, 1)
    left = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    results = run_together(
        lambda: overstay_sweep(as_of=riyadh_today()),
        lambda: crossings_record_batch(actor=gate, events=[crossing(visa, "exit", left)]),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    app = Application.objects.get(pk=visa.application_id)
    assert app.status == "departed"
    overstay = Overstay.objects.filter(application=app).first()
    # either the sweep came first (closed overstay) or the exit did (no overstay at all)
    assert overstay is None or (overstay.status, overstay.days_overstayed) == ("closed", 8)
