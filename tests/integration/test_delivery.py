"""Webhook delivery end to end: services commit, the relay fans out, the worker (django-tasks-db's
`db_worker`, in this process) sends to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from masar.core.models import AuditEntry
from masar.integration.models import (
    DeliveryStatus,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from masar.integration.services import (
    event_emit,
    webhook_replay,
    webhook_secret_rotate,
    webhook_subscription_update,
    webhook_test_send,
)
from masar.integration.services.delivery import retry_delay
from masar.operators.services import company_suspend
from tests.integration.conftest import run_worker, subscribe

pytestmark = pytest.mark.usefixtures("synthetic_payloads")
transactional = pytest.mark.django_db(transaction=True)


def _emit(type_: str, subject: tuple[str, str], payload: dict, organizations=()) -> OutboxEvent:
    with transaction.atomic():
        return event_emit(type=type_, subject=subject, payload=payload, organizations=organizations)


def _body(received) -> dict:
    return json.loads(received.body)


@transactional
def test_a_delivery_is_signed_as_standard_webhooks_require(
    receiver, company_system, licensing_officer, company
):
    subscription, secret = subscribe(company_system, receiver.url(), ["company.suspended"])
    company_suspend(actor=licensing_officer, company=company, reason="overstays above 1%")

    run_worker()

    assert len(receiver.requests) == 1
    received = receiver.requests[0]
    payload = Webhook(secret).verify(received.body, received.headers)
    event = OutboxEvent.objects.get(type="company.suspended")
    assert payload == {
        "id": str(event.event_id),
        "type": "company.suspended",
        "version": 1,
        "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "sequence": event.sequence,
        "subject": {"type": "operators.company", "id": str(company.pk)},
        "data": {"company_id": company.pk, "reason": "overstays above 1%", "until": None},
    }
    assert received.headers["content-type"] == "application/json"
    assert received.headers["webhook-signature"].startswith("v1,")
    delivery = WebhookDelivery.objects.get()
    assert received.webhook_id == delivery.webhook_id == f"msg_{delivery.message_id.hex}"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 44).verify(received.body, received.headers)


@transactional
def test_a_receiver_failing_three_times_gets_the_event_exactly_once_more(
    receiver, company_system, licensing_officer, company, settings
):
    settings.MASAR_WEBHOOK_RETRY_BASE_SECONDS = 0
    subscribe(company_system, receiver.url(), ["company.suspended"])
    receiver.answer(500, 503, 502)
    company_suspend(actor=licensing_officer, company=company, reason="r")

    run_worker()
    run_worker()  # nothing left: no further request

    ids = receiver.ids()
    assert len(ids) == 4
    assert len(set(ids)) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 4, 200)
    assert delivery.webhook_id == ids[0]
    subscription = WebhookSubscription.objects.get()
    assert subscription.consecutive_failures == 0
    assert subscription.failing_since is None
    assert subscription.last_success_at is not None


@transactional
def test_a_failed_attempt_is_retried_after_a_backoff(receiver, company_system, company, settings):
    subscribe(company_system, receiver.url())
    receiver.answer(500)
    before = timezone.now()
    _emit(
        "company.reinstated",
        ("operators.company", "1"),
        {"company_id": 1, "reason": "x"},
        [company.organization],
    )

    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert delivery.last_error == "HTTP 500: not now"
    wait = delivery.next_attempt_at - before
    assert timedelta(seconds=24) <= wait <= timedelta(seconds=37)
    assert len(receiver.requests) == 1


def test_the_backoff_grows_four_fold_to_eight_hours_with_jitter():
    import random

    rng = random.Random(7)
    delays = [retry_delay(n, rng=rng).total_seconds() for n in range(1, 9)]
    nominal = [30, 120, 480, 1920, 7680, 28800, 28800, 28800]
    for delay, expected in zip(delays, nominal, strict=True):
        assert expected * 0.8 <= delay <= expected * 1.2
    # Nine attempts (eight waits) span about a day before the dead letter: 26 h 50 min.
    assert sum(nominal) == 26 * 3600 + 50 * 60 + 30
    assert sum(nominal) * 0.8 <= sum(delays) <= sum(nominal) * 1.2


@transactional
def test_a_delivery_that_keeps_failing_is_dead_lettered_and_the_endpoint_disabled_with_notice(
    receiver, company_system, company, settings
):
    settings.MASAR_WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.MASAR_WEBHOOK_MAX_ATTEMPTS = 3
    settings.MASAR_WEBHOOK_DISABLE_AFTER_HOURS = 0
    company.organization.email = "it@company.example"
    company.organization.save()
    subscription, _ = subscribe(company_system, receiver.url())
    receiver.answer(500, 500, 500, 500)
    _emit(
        "company.reinstated",
        ("operators.company", "1"),
        {"company_id": 1, "reason": "x"},
        [company.organization],
    )

    run_worker()

    assert len(receiver.requests) == 3
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 3)
    assert delivery.dead_at is not None
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert subscription.consecutive_failures == 3
    assert subscription.disabled_reason.startswith("The endpoint has failed every delivery since")
    entry = AuditEntry.objects.get(action="webhook.disabled")
    assert entry.target_id == str(subscription.pk)
    assert entry.details["cause"] == "failing"
    assert entry.details["notified"] == ["it@company.example"]
    disabled = OutboxEvent.objects.get(type="webhook.disabled")
    assert disabled.organizations == [company.organization_id]
    assert disabled.payload["subscription_id"] == subscription.pk
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["it@company.example"]
    assert "Masar: a webhook endpoint was disabled" in notice.subject
    assert receiver.url() in notice.body
    # Disabled: a new event is not even queued for it.
    _emit(
        "company.reinstated",
        ("operators.company", "2"),
        {"company_id": 2, "reason": "y"},
        [company.organization],
    )
    run_worker()
    assert len(receiver.requests) == 3
    assert WebhookDelivery.objects.count() == 1


@transactional
def test_a_dead_letter_does_not_disable_an_endpoint_that_failed_only_briefly(
    receiver, company_system, company, settings
):
    settings.MASAR_WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.MASAR_WEBHOOK_MAX_ATTEMPTS = 2
    subscription, _ = subscribe(company_system, receiver.url())
    receiver.answer(500, 500)
    _emit(
        "company.reinstated",
        ("operators.company", "1"),
        {"company_id": 1, "reason": "x"},
        [company.organization],
    )

    run_worker()

    assert WebhookDelivery.objects.get().status == DeliveryStatus.DEAD
    subscription.refresh_from_db()
    assert subscription.is_active is True
    assert not AuditEntry.objects.filter(action="webhook.disabled").exists()
    assert mail.outbox == []


@transactional
def test_410_gone_disables_the_endpoint_at_once(receiver, company_system, company):
    subscription, _ = subscribe(company_system, receiver.url())
    receiver.answer(410)
    _emit(
        "company.reinstated",
        ("operators.company", "1"),
        {"company_id": 1, "reason": "x"},
        [company.organization],
    )

    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("dead", 1, 410)
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert subscription.disabled_reason == "The endpoint answered 410 Gone."
    assert AuditEntry.objects.get(action="webhook.disabled").details["cause"] == "gone"


@transactional
def test_events_of_one_subject_keep_their_order(receiver, company_system, company):
    subscribe(company_system, receiver.url())
    org = [company.organization]
    first = _emit("company.suspended", ("operators.company", "A"), {"n": 1}, org)
    second = _emit("company.reinstated", ("operators.company", "A"), {"n": 2}, org)
    other = _emit("company.suspended", ("operators.company", "B"), {"n": 3}, org)
    receiver.answer(500)  # the first delivery of subject A fails and waits for its retry

    run_worker()

    sent = [json.loads(r.body)["id"] for r in receiver.requests]
    assert sent == [str(first.event_id), str(other.event_id)]
    waiting = WebhookDelivery.objects.get(event=second)
    assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, 0)

    # The retry comes due: the earlier event goes first, then the later one.
    WebhookDelivery.objects.filter(event=first).update(next_attempt_at=timezone.now())
    from masar.integration.services import dispatch_request

    dispatch_request(
        subscription_ids=list(WebhookSubscription.objects.values_list("pk", flat=True))
    )
    run_worker()

    sent = [json.loads(r.body)["id"] for r in receiver.requests]
    assert sent == [str(e.event_id) for e in (first, other, first, second)]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


@transactional
def test_a_subscriber_receives_only_what_its_organization_may_see(
    receiver, company, other_company, company_system, other_company_system, moi_gate, mofa_system
):
    company_sub, _ = subscribe(company_system, receiver.url("/company"))
    other_sub, _ = subscribe(other_company_system, receiver.url("/other"))
    moi_sub, _ = subscribe(moi_gate, receiver.url("/moi"))
    mofa_sub, _ = subscribe(mofa_system, receiver.url("/mofa"))
    with transaction.atomic():
        # Seen by the company and every ministry.
        event_emit(
            type="company.suspended",
            subject=("operators.company", str(company.pk)),
            payload={"company_id": company.pk, "reason": "x", "until": None},
            organizations=[company.organization],
        )
        # Seen by the company and the ministry of Hajj and Umrah only.
        event_emit(
            type="company.licensed",
            subject=("operators.company", str(company.pk)),
            payload={"company_id": company.pk},
            organizations=[company.organization],
        )

    run_worker()

    by_path: dict[str, list[str]] = {}
    for r in receiver.requests:
        by_path.setdefault(r.path, []).append(json.loads(r.body)["type"])
    assert sorted(by_path["/company"]) == ["company.licensed", "company.suspended"]
    assert by_path["/moi"] == ["company.suspended"]
    assert by_path["/mofa"] == ["company.suspended"]
    assert "/other" not in by_path
    assert not WebhookDelivery.objects.filter(subscription=other_sub).exists()


@transactional
def test_a_test_event_goes_only_to_the_subscription_it_was_sent_for(receiver, company_system):
    first, secret = subscribe(company_system, receiver.url("/one"))
    subscribe(company_system, receiver.url("/two"))

    event = webhook_test_send(actor=company_system, subscription=first)
    run_worker()

    assert [r.path for r in receiver.requests] == ["/one"]
    body = Webhook(secret).verify(receiver.requests[0].body, receiver.requests[0].headers)
    assert body["type"] == "webhook.test"
    assert body["id"] == str(event.event_id)
    assert body["data"] == {
        "subscription_id": first.pk,
        "message": "Test event from Masar",
        "requested_by": "company.system",
    }


@transactional
def test_during_a_rotation_both_secrets_sign_and_either_verifies(receiver, company_system, company):
    subscription, old_secret = subscribe(company_system, receiver.url())
    subscription, new_secret = webhook_secret_rotate(
        actor=company_system, subscription=subscription, keep_previous_hours=24
    )
    assert new_secret != old_secret
    webhook_test_send(actor=company_system, subscription=subscription)
    run_worker()

    received = receiver.requests[0]
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old_secret).verify(received.body, received.headers)["type"] == "webhook.test"
    assert Webhook(new_secret).verify(received.body, received.headers)["type"] == "webhook.test"

    # Once the overlap is over only the new secret signs.
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    webhook_test_send(actor=company_system, subscription=subscription)
    run_worker()
    latest = receiver.requests[1]
    assert len(latest.headers["webhook-signature"].split(" ")) == 1
    Webhook(new_secret).verify(latest.body, latest.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(latest.body, latest.headers)


@transactional
def test_replay_sends_again_from_a_point_in_time_in_commit_order(receiver, company_system, company):
    subscription, _ = subscribe(company_system, receiver.url(), ["company.suspended"])
    org = [company.organization]
    early = _emit("company.suspended", ("operators.company", "1"), {"n": 0}, org)
    OutboxEvent.objects.filter(pk=early.pk).update(occurred_at=timezone.now() - timedelta(days=2))
    later = [
        _emit("company.suspended", ("operators.company", str(n)), {"n": n}, org) for n in (1, 2, 3)
    ]
    _emit("company.reinstated", ("operators.company", "1"), {"n": 9}, org)  # not wanted
    run_worker()
    first_round = receiver.ids()
    assert len(first_round) == 4

    report = webhook_replay(
        actor=company_system,
        subscription=subscription,
        since=timezone.now() - timedelta(days=1),
    )
    run_worker()

    assert (report.replayed, report.truncated) == (3, False)
    replayed = receiver.requests[4:]
    assert [json.loads(r.body)["id"] for r in replayed] == [str(e.event_id) for e in later]
    assert not set(first_round) & {r.webhook_id for r in replayed}
    assert WebhookDelivery.objects.filter(is_replay=True, status="delivered").count() == 3


@transactional
def test_a_slow_endpoint_times_out_and_is_retried(receiver, company_system, company, settings):
    settings.MASAR_WEBHOOK_TIMEOUT_SECONDS = 0.5
    subscribe(company_system, receiver.url())
    receiver.hold.set()
    _emit("company.reinstated", ("operators.company", "1"), {"n": 1}, [company.organization])

    run_worker()
    receiver.release.set()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error == "timed out"
    assert delivery.last_status_code is None


@transactional
def test_a_disabled_subscription_pauses_and_resumes_its_pending_deliveries(
    receiver, company_system, company
):
    subscription, _ = subscribe(company_system, receiver.url())
    receiver.answer(500)
    _emit("company.reinstated", ("operators.company", "1"), {"n": 1}, [company.organization])
    run_worker()
    webhook_subscription_update(actor=company_system, subscription=subscription, is_active=False)
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    run_worker()
    assert len(receiver.requests) == 1

    webhook_subscription_update(actor=company_system, subscription=subscription, is_active=True)
    run_worker()

    assert len(receiver.requests) == 2
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
