"""`Idempotency-Key` on every POST of the API (masar.core.idempotency)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from masar.accounts.services import token_create
from masar.core.idempotency import STALE_AFTER, idempotency_prune
from masar.core.models import IdempotencyRecord
from masar.integration.models import WebhookSubscription
from tests.integration import urls as test_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.integration.urls")]

BODY = {"url": "https://hooks.example/masar", "event_types": ["company.suspended"]}


def _client(user, key: str | None = None) -> APIClient:
    """A client that authenticates as a machine does: with a bearer token."""
    _, secret = token_create(actor=None, user=user, name=f"t-{user.pk}")
    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    client.credentials(**headers)
    return client


def test_the_same_key_and_body_replays_the_first_answer(company_system):
    client = _client(company_system, key="create-hook-1")
    first = client.post("/api/v1/webhooks/", BODY, format="json")
    again = client.post("/api/v1/webhooks/", BODY, format="json")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert WebhookSubscription.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(company_system):
    client = _client(company_system, key="create-hook-1")
    assert client.post("/api/v1/webhooks/", BODY, format="json").status_code == 201
    other = client.post(
        "/api/v1/webhooks/", {**BODY, "url": "https://other.example/"}, format="json"
    )
    assert other.status_code == 422
    assert other.json() == {
        "code": "idempotency_key_reused",
        "message": "This Idempotency-Key was used with another request body or path.",
        "fields": {},
    }
    assert list(WebhookSubscription.objects.values_list("url", flat=True)) == [BODY["url"]]


def test_the_same_key_on_another_path_is_refused(company_system):
    client = _client(company_system, key="k")
    assert client.post("/api/v1/webhooks/", BODY, format="json").status_code == 201
    hook = WebhookSubscription.objects.get()
    response = client.post(f"/api/v1/webhooks/{hook.pk}/test/", BODY, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


def test_keys_belong_to_their_caller(company_system, other_company_system):
    mine = _client(company_system, key="shared-key").post("/api/v1/webhooks/", BODY, format="json")
    theirs = _client(other_company_system, key="shared-key").post(
        "/api/v1/webhooks/", BODY, format="json"
    )
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert sorted(WebhookSubscription.objects.values_list("organization_id", flat=True)) == sorted(
        [company_system.organization_id, other_company_system.organization_id]
    )
    assert IdempotencyRecord.objects.filter(key="shared-key").count() == 2


def test_a_session_user_has_keys_too(company_supervisor, company_system):
    from masar.integration.services import webhook_subscription_create

    hook, _ = webhook_subscription_create(actor=company_system, url=BODY["url"], event_types=["*"])
    client = APIClient()
    client.force_login(company_supervisor)
    path = f"/api/v1/webhooks/{hook.pk}/test/"
    first = client.post(path, HTTP_IDEMPOTENCY_KEY="test-once")
    again = client.post(path, HTTP_IDEMPOTENCY_KEY="test-once")
    assert first.status_code == again.status_code == 202
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    from masar.integration.models import OutboxEvent

    assert OutboxEvent.objects.filter(type="webhook.test").count() == 1


def test_a_server_error_frees_the_key(company_system):
    test_urls.FLAKY_CALLS.clear()
    client = _client(company_system, key="retry-me")
    first = client.post("/api/test/flaky/", {"a": 1}, format="json")
    assert first.status_code == 503
    assert not IdempotencyRecord.objects.filter(key="retry-me").exists()
    second = client.post("/api/test/flaky/", {"a": 1}, format="json")
    assert second.status_code == 201
    assert second.json() == {"calls": 2}
    third = client.post("/api/test/flaky/", {"a": 1}, format="json")
    assert third.json() == {"calls": 2}
    assert third["Idempotent-Replayed"] == "true"
    assert len(test_urls.FLAKY_CALLS) == 2


def test_a_request_in_progress_is_not_run_twice(company_system):
    client = _client(company_system, key="busy")
    principal_record = client.post("/api/v1/webhooks/", BODY, format="json")
    assert principal_record.status_code == 201
    # The same key while the first request is still being answered (no status yet):
    IdempotencyRecord.objects.filter(key="busy").update(status_code=None, response_body=None)
    response = client.post("/api/v1/webhooks/", BODY, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert WebhookSubscription.objects.count() == 1


def test_an_abandoned_request_is_taken_over_after_a_while(company_system):
    client = _client(company_system, key="crashed")
    assert client.post("/api/v1/webhooks/", BODY, format="json").status_code == 201
    IdempotencyRecord.objects.filter(key="crashed").update(
        status_code=None,
        response_body=None,
        created_at=timezone.now() - STALE_AFTER - timedelta(seconds=1),
    )
    response = client.post("/api/v1/webhooks/", BODY, format="json")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert WebhookSubscription.objects.count() == 2


def test_records_are_pruned_after_the_ttl(company_system, settings):
    settings.MASAR_IDEMPOTENCY_TTL_HOURS = 48
    client = _client(company_system, key="old")
    assert client.post("/api/v1/webhooks/", BODY, format="json").status_code == 201
    now = timezone.now()
    assert idempotency_prune(now=now + timedelta(hours=47)) == 0
    assert idempotency_prune(now=now + timedelta(hours=48, seconds=1)) == 1
    assert not IdempotencyRecord.objects.exists()
    again = client.post("/api/v1/webhooks/", BODY, format="json")
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert WebhookSubscription.objects.count() == 2


def test_an_expired_key_is_reusable_before_it_is_pruned(company_system, settings):
    settings.MASAR_IDEMPOTENCY_TTL_HOURS = 48
    client = _client(company_system, key="expired")
    assert client.post("/api/v1/webhooks/", BODY, format="json").status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=49))
    other = client.post("/api/v1/webhooks/", {**BODY, "url": "https://b.example/"}, format="json")
    assert other.status_code == 201
    assert WebhookSubscription.objects.count() == 2


def test_requests_without_a_key_or_not_posts_are_not_recorded(company_system):
    client = _client(company_system)
    assert client.post("/api/v1/webhooks/", BODY, format="json").status_code == 201
    keyed = _client(company_system, key="read")
    assert keyed.get("/api/v1/webhooks/").status_code == 200
    assert not IdempotencyRecord.objects.exists()


def test_an_overlong_key_is_refused(company_system):
    client = _client(company_system, key="k" * 201)
    response = client.post("/api/v1/webhooks/", BODY, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert not WebhookSubscription.objects.exists()
