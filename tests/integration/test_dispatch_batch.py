"""A dispatch records the successes of a claimed batch together, without losing the order
of what it learnt: a failure between two successes leaves the endpoint healthy only if the
last attempt succeeded, every delivered row keeps its own status code and time."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from masar.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from masar.integration.services import event_emit
from masar.integration.services.delivery import CLAIM_BATCH, webhook_dispatch_run
from tests.integration.conftest import subscribe

pytestmark = [
    pytest.mark.usefixtures("synthetic_payloads"),
    pytest.mark.django_db(transaction=True),
]


def _emit_many(organization, count: int) -> None:
    with transaction.atomic():
        for n in range(count):
            event_emit(
                type="company.suspended",
                subject=("operators.company", f"S{n}"),
                payload={"n": n},
                organizations=[organization],
            )


def _delivery_writes(queries) -> int:
    return sum(
        1
        for q in queries
        if q["sql"].startswith("UPDATE")
        and "integration_webhookdelivery" in q["sql"].split("SET")[0]
    )


def test_successes_of_a_batch_are_recorded_in_one_statement(receiver, company_system, company):
    subscription, _secret = subscribe(company_system, receiver.url())
    _emit_many(company.organization, CLAIM_BATCH * 2)

    with CaptureQueriesContext(connection) as queries:
        report = webhook_dispatch_run(subscription_id=subscription.pk, worker="test")

    assert (report.sent, report.delivered, report.failed, report.stale) == (40, 40, 0, 0)
    # Per batch: the lease and the outcome; not one write per delivery.
    assert _delivery_writes(queries.captured_queries) == 4
    rows = WebhookDelivery.objects.filter(subscription=subscription)
    assert set(rows.values_list("status", "attempts", "last_status_code", "lease_token")) == {
        (DeliveryStatus.DELIVERED, 1, 200, None)
    }
    assert not rows.filter(delivered_at=None).exists()
    assert not rows.filter(last_response_ms=None).exists()
    assert len(receiver.ids()) == 40


def test_a_failure_between_successes_is_recorded_in_its_place(receiver, company_system, company):
    subscription, _secret = subscribe(company_system, receiver.url())
    _emit_many(company.organization, 3)
    receiver.answer(200, 503, 200)

    report = webhook_dispatch_run(subscription_id=subscription.pk, worker="test")

    assert (report.delivered, report.failed) == (2, 1)
    assert report.outcomes == ["delivered", "retry", "delivered"]
    codes = dict(
        WebhookDelivery.objects.filter(subscription=subscription).values_list(
            "event__payload__n", "last_status_code"
        )
    )
    assert codes == {0: 200, 1: 503, 2: 200}
    # The last word was a success: the endpoint is healthy again.
    subscription = WebhookSubscription.objects.get(pk=subscription.pk)
    assert subscription.consecutive_failures == 0
    assert subscription.failing_since is None


def test_a_success_before_a_failure_leaves_the_endpoint_failing(receiver, company_system, company):
    subscription, _secret = subscribe(company_system, receiver.url())
    _emit_many(company.organization, 2)
    receiver.answer(200, 503)

    webhook_dispatch_run(subscription_id=subscription.pk, worker="test")

    subscription = WebhookSubscription.objects.get(pk=subscription.pk)
    assert subscription.consecutive_failures == 1
    assert subscription.failing_since is not None


def test_a_lease_taken_over_by_another_worker_is_stale_not_delivered(
    receiver, company_system, company, monkeypatch
):
    from masar.integration.services import delivery

    subscription, _secret = subscribe(company_system, receiver.url())
    _emit_many(company.organization, 2)
    attempt = delivery.delivery_attempt

    def attempt_then_lose_the_lease(client, claim):
        result = attempt(client, claim)
        WebhookDelivery.objects.filter(pk=claim.delivery_id).update(lease_token=None)
        return result

    monkeypatch.setattr(delivery, "delivery_attempt", attempt_then_lose_the_lease)
    report = webhook_dispatch_run(subscription_id=subscription.pk, worker="test")

    assert (report.delivered, report.stale) == (0, 2)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"pending"}
