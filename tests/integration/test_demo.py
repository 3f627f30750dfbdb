from __future__ import annotations

import random

import pytest

from masar.integration.demo import DEMO_URL, demo_seed_step
from masar.integration.models import WebhookSubscription
from tests.integration.conftest import make_service_account

pytestmark = pytest.mark.django_db


def test_the_demo_subscribes_the_gate_system_disabled(moi):
    gate = make_service_account(moi, "moi.gate")
    report = demo_seed_step(rng=random.Random(1), season=None, stdout=None)
    subscription = WebhookSubscription.objects.get()
    assert (subscription.service_account, subscription.url) == (gate, DEMO_URL)
    assert subscription.is_active is False
    assert report == [
        f"webhooks: moi.gate -> {DEMO_URL} (disabled; start a receiver there, then enable it)"
    ]


def test_the_demo_step_does_nothing_without_the_gate_account():
    assert demo_seed_step(rng=random.Random(1), season=None, stdout=None) == []
    assert not WebhookSubscription.objects.exists()
