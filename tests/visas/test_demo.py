"""The visas demo step: decisions for the queue, e-visas for every approved application,
one cancellation."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest

from masar.applications.models import Application
from masar.visas.demo import LEFT_IN_QUEUE, demo_seed_step
from masar.visas.models import Visa

pytestmark = pytest.mark.django_db


def test_the_demo_step(in_decision: Any, visa_officer: Any, season: Any) -> None:
    apps = [in_decision() for _ in range(LEFT_IN_QUEUE + 5)]
    out = io.StringIO()
    report = demo_seed_step(rng=random.Random(1), season=season, stdout=out)
    statuses = [Application.objects.get(pk=a.pk).status for a in apps]
    assert statuses.count("decision") == LEFT_IN_QUEUE
    assert statuses.count("rejected") == 3
    assert statuses.count("issued") + statuses.count("cancelled") == 2
    assert Visa.objects.count() == 2
    assert Visa.objects.filter(status="cancelled").count() == 1
    cancelled = Visa.objects.get(status="cancelled")
    assert f"2 e-visas issued, visa {cancelled.number} cancelled," in report[0]
    assert len(report) == 1
    assert out.getvalue() == ""  # demo_seed prints the lines of every step, once
