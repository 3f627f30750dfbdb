"""The retry schedule of webhook deliveries, on a fake clock: Retry-After honoured (seconds
and HTTP-date) up to its cap, a longer back-off with upward jitter for congestion (429, 502,
503, 504, timeouts), and the usual one for other failures."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.db import transaction

from masar.integration import conf
from masar.integration.models import DeliveryStatus, WebhookDelivery
from masar.integration.retries import retry_after_seconds, retry_delay
from masar.integration.services import event_emit, outbox_relay
from masar.integration.services.delivery import (
    AttemptResult,
    Claim,
    delivery_attempt,
    delivery_record,
)
from tests.integration.conftest import subscribe

NOW = datetime(2026, 12, 7, 12, 0, 0, tzinfo=UTC)


def test_retry_after_in_seconds_and_as_an_http_date():
    assert retry_after_seconds("90", now=NOW) == 90.0
    assert retry_after_seconds(" 0 ", now=NOW) == 0.0
    assert retry_after_seconds("Mon, 07 Dec 2026 12:02:30 GMT", now=NOW) == 150.0
    assert retry_after_seconds("Mon, 07 Dec 2026 11:00:00 GMT", now=NOW) == 0.0
    for unreadable in (None, "", "soon", "-5", "1.5", "Mon, 99 Foo 2026"):
        assert retry_after_seconds(unreadable, now=NOW) is None


def test_retry_after_is_honoured_up_to_its_cap(settings):
    assert conf.retry_after_max_seconds() == 3600
    assert retry_delay(1, retry_after=90) == timedelta(seconds=90)
    assert retry_delay(5, congestion=True, retry_after=0) == timedelta(0)
    assert retry_delay(1, retry_after=3 * 86400) == timedelta(hours=1)
    settings.MASAR_WEBHOOK_RETRY_AFTER_MAX_SECONDS = 600
    assert retry_delay(1, retry_after=900) == timedelta(minutes=10)


def test_congestion_backs_off_twice_as_long_and_never_sooner():
    rng = random.Random(3)
    congested = [retry_delay(n, congestion=True, rng=rng).total_seconds() for n in range(1, 9)]
    nominal = [60, 240, 960, 3840, 15360, 28800, 28800, 28800]
    for delay, floor in zip(congested, nominal, strict=True):
        assert floor <= delay <= min(floor * 1.5, 28800)
    other = [retry_delay(n, rng=random.Random(n)).total_seconds() for n in range(1, 4)]
    for delay, expected in zip(other, [30, 120, 480], strict=True):
        assert expected * 0.8 <= delay <= expected * 1.2


def test_the_timeout_is_twenty_seconds_by_default(settings):
    del settings.MASAR_WEBHOOK_TIMEOUT_SECONDS
    assert conf.timeout_seconds() == 20.0
    assert 15 <= conf.timeout_seconds() <= 30


def _client(status: int, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(status, headers=headers))
    )


def _claim() -> Claim:
    return Claim(
        delivery_id=0,
        lease_token=uuid.uuid4(),
        locked_until=NOW + timedelta(minutes=1),
        webhook_id="msg_x",
        url="https://hooks.example.org/masar",
        secrets=("whsec_" + "A" * 44,),
        body=b"{}",
        attempt=1,
    )


@pytest.mark.parametrize(
    ("status", "headers", "retry_after", "congestion"),
    [
        (429, {"Retry-After": "90"}, 90.0, True),
        (503, {"Retry-After": "Mon, 07 Dec 2026 12:05:00 GMT"}, 300.0, True),
        (502, {}, None, True),
        (504, {}, None, True),
        (500, {}, None, False),
        (400, {"Retry-After": "30"}, 30.0, False),
    ],
)
def test_an_answer_gives_its_retry_after_and_whether_it_is_congestion(
    monkeypatch, status, headers, retry_after, congestion
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    result = delivery_attempt(_client(status, headers), _claim())
    assert (result.ok, result.status_code) == (False, status)
    assert result.retry_after == retry_after
    assert result.congestion is congestion


def test_a_timeout_is_congestion():
    assert AttemptResult(ok=False, error="timed out", timed_out=True).congestion is True


@pytest.mark.django_db
def test_the_next_attempt_is_when_the_receiver_asked(monkeypatch, company):
    from tests.integration.conftest import make_service_account

    system = make_service_account(company.organization, "company.system")
    subscribe(system, "https://hooks.example.org/masar")
    with transaction.atomic():
        event_emit(
            type="company.reinstated",
            subject=("operators.company", "1"),
            payload={"company_id": 1, "reason": "x"},
            organizations=[company.organization],
        )
    outbox_relay()
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    delivery = WebhookDelivery.objects.get()
    token = uuid.uuid4()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(lease_token=token)
    claim = Claim(**{**_claim().__dict__, "delivery_id": delivery.pk, "lease_token": token})

    outcome = delivery_record(claim, AttemptResult(ok=False, status_code=429, retry_after=90.0))

    delivery.refresh_from_db()
    assert outcome == "retry"
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at == NOW + timedelta(seconds=90)
