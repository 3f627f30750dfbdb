"""The webhooks API: subscriptions of the caller's organization, and nobody else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from masar.accounts.services import token_create
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from masar.integration.services import outbox_relay
from masar.integration.services.subscriptions import MAX_SUBSCRIPTIONS_PER_ORGANIZATION
from masar.integration.signing import secret_open
from tests.integration.conftest import subscribe

pytestmark = pytest.mark.django_db

URL = "https://hooks.company.example/masar"
NEW = {"url": URL, "event_types": ["company.suspended", "company.reinstated"]}


def _snapshot(subscription: WebhookSubscription) -> dict:
    row = WebhookSubscription.objects.filter(pk=subscription.pk).values().first()
    return dict(row) if row else {}


def test_a_service_account_subscribes_and_sees_the_secret_once(api, company_system):
    response = api(company_system).post("/api/v1/webhooks/", NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["url"] == URL
    assert body["event_types"] == ["company.reinstated", "company.suspended"]
    assert body["is_active"] is True
    assert body["service_account"] == "company.system"
    assert body["secret"].startswith("whsec_")
    subscription = WebhookSubscription.objects.get()
    assert subscription.organization_id == company_system.organization_id
    assert subscription.secret != body["secret"]  # sealed at rest
    assert secret_open(subscription.secret) == body["secret"]
    shown = api(company_system).get(f"/api/v1/webhooks/{subscription.pk}/").json()
    assert "secret" not in shown
    entry = AuditEntry.objects.get(action="webhook.created")
    assert entry.actor == company_system
    assert entry.details == {"url": URL, "event_types": body["event_types"]}


def test_all_types_with_a_star(api, company_system):
    body = (
        api(company_system)
        .post(
            "/api/v1/webhooks/",
            {"url": URL, "event_types": ["*", "company.suspended"]},
            format="json",
        )
        .json()
    )
    assert body["event_types"] == ["*"]


@pytest.mark.parametrize("who", ["company_supervisor", "company_staff", "licensing_officer"])
def test_only_service_accounts_subscribe(api, request, who):
    user = request.getfixturevalue(who)
    response = api(user).post("/api/v1/webhooks/", NEW, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert not WebhookSubscription.objects.exists()


def test_a_human_with_the_integration_role_is_not_a_service_account(api, company):
    from tests.factories import UserFactory

    person = UserFactory(organization=company.organization, roles=["integration"])
    response = api(person).post("/api/v1/webhooks/", NEW, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "service_account_required"
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "allow_localhost"),
    [
        ("http://hooks.company.example/masar", True),
        ("http://127.0.0.1:9009/hook", False),
        ("https://10.0.0.5/hook", False),
        ("https://localhost/hook", False),
        ("ftp://hooks.company.example/", True),
        ("https://user:pw@hooks.company.example/", True),
        ("not a url", True),
        ("https://hooks.company.example:99999/", True),
    ],
)
def test_unusable_endpoints_are_refused_with_the_reason(
    api, company_system, settings, url, allow_localhost
):
    settings.MASAR_WEBHOOKS_ALLOW_HTTP_LOCALHOST = allow_localhost
    response = api(company_system).post("/api/v1/webhooks/", {**NEW, "url": url}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_webhook_url"
    assert list(body["fields"]) == ["url"]
    assert not WebhookSubscription.objects.exists()


def test_plain_http_to_this_machine_is_allowed_outside_production(api, company_system, settings):
    settings.MASAR_WEBHOOKS_ALLOW_HTTP_LOCALHOST = True
    response = api(company_system).post(
        "/api/v1/webhooks/", {**NEW, "url": "http://127.0.0.1:9009/hook"}, format="json"
    )
    assert response.status_code == 201


def test_unknown_event_types_are_refused(api, company_system):
    response = api(company_system).post(
        "/api/v1/webhooks/",
        {"url": URL, "event_types": ["company.suspended", "visa.teleported"]},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"] == {
        "event_types": ["Not in the catalogue (docs/events.md): visa.teleported"]
    }
    assert not WebhookSubscription.objects.exists()


def test_the_test_type_is_not_subscribed_to(api, company_system):
    response = api(company_system).post(
        "/api/v1/webhooks/", {"url": URL, "event_types": ["webhook.test"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_event_type"


def test_an_organization_has_at_most_so_many_webhooks(api, company_system):
    for n in range(MAX_SUBSCRIPTIONS_PER_ORGANIZATION):
        subscribe(company_system, f"{URL}/{n}")
    response = api(company_system).post("/api/v1/webhooks/", NEW, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_webhooks"
    assert WebhookSubscription.objects.count() == MAX_SUBSCRIPTIONS_PER_ORGANIZATION


def test_a_read_only_token_cannot_subscribe(company_system):
    _, secret = token_create(actor=None, user=company_system, name="ro", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.post("/api/v1/webhooks/", NEW, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "scope_required"
    assert client.get("/api/v1/webhooks/").status_code == 200
    assert not WebhookSubscription.objects.exists()


def test_the_organization_supervisor_lists_and_manages_them(
    api, company_system, company_supervisor
):
    subscription, _ = subscribe(company_system, URL)
    listed = api(company_supervisor).get("/api/v1/webhooks/").json()
    assert [s["id"] for s in listed["results"]] == [subscription.pk]
    response = api(company_supervisor).patch(
        f"/api/v1/webhooks/{subscription.pk}/",
        {"event_types": ["company.revoked"], "description": "ops"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    subscription.refresh_from_db()
    assert (subscription.event_types, subscription.description) == (["company.revoked"], "ops")
    assert AuditEntry.objects.get(action="webhook.updated").details == {
        "event_types": ["company.revoked"]
    }


def test_company_staff_may_not_manage_webhooks(api, company_system, company_staff):
    subscription, _ = subscribe(company_system, URL)
    before = _snapshot(subscription)
    assert api(company_staff).get("/api/v1/webhooks/").status_code == 403
    response = api(company_staff).patch(
        f"/api/v1/webhooks/{subscription.pk}/", {"is_active": False}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert _snapshot(subscription) == before


def test_a_bad_patch_changes_nothing(api, company_system):
    subscription, _ = subscribe(company_system, URL)
    before = _snapshot(subscription)
    response = api(company_system).patch(
        f"/api/v1/webhooks/{subscription.pk}/",
        {"url": "http://hooks.company.example/", "event_types": ["company.suspended"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["url"] == ["The endpoint must use HTTPS."]
    assert _snapshot(subscription) == before


def test_delete(api, company_system):
    subscription, _ = subscribe(company_system, URL)
    response = api(company_system).delete(f"/api/v1/webhooks/{subscription.pk}/")
    assert response.status_code == 204
    assert not WebhookSubscription.objects.exists()
    assert AuditEntry.objects.get(action="webhook.deleted").details["url"] == URL


def test_rotate_secret_keeps_the_previous_one_for_a_while(api, company_system):
    subscription, old = subscribe(company_system, URL)
    response = api(company_system).post(
        f"/api/v1/webhooks/{subscription.pk}/rotate-secret/",
        {"keep_previous_hours": 2},
        format="json",
    )
    assert response.status_code == 200
    new = response.json()["secret"]
    assert new.startswith("whsec_") and new != old
    subscription.refresh_from_db()
    assert secret_open(subscription.secret) == new
    assert secret_open(subscription.previous_secret) == old
    remaining = subscription.previous_secret_expires_at - timezone.now()
    assert timedelta(hours=1, minutes=59) < remaining <= timedelta(hours=2)


def test_rotate_secret_refuses_a_long_overlap(api, company_system):
    subscription, _ = subscribe(company_system, URL)
    before = _snapshot(subscription)
    response = api(company_system).post(
        f"/api/v1/webhooks/{subscription.pk}/rotate-secret/",
        {"keep_previous_hours": 500},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["keep_previous_hours"]
    assert _snapshot(subscription) == before


def test_send_a_test_event(api, company_system):
    subscription, _ = subscribe(company_system, URL)
    response = api(company_system).post(f"/api/v1/webhooks/{subscription.pk}/test/")
    assert response.status_code == 202
    event = OutboxEvent.objects.get(type="webhook.test")
    assert response.json() == {"event_id": str(event.event_id), "type": "webhook.test"}
    assert event.organizations == [company_system.organization_id]
    assert event.ministries == []
    outbox_relay()
    assert WebhookDelivery.objects.get().subscription == subscription


def test_a_disabled_webhook_cannot_be_tested_or_replayed(api, company_system):
    subscription, _ = subscribe(company_system, URL)
    api(company_system).patch(
        f"/api/v1/webhooks/{subscription.pk}/", {"is_active": False}, format="json"
    )
    response = api(company_system).post(f"/api/v1/webhooks/{subscription.pk}/test/")
    assert response.status_code == 409
    assert response.json()["code"] == "webhook_disabled"
    response = api(company_system).post(
        f"/api/v1/webhooks/{subscription.pk}/replay/",
        {"since": (timezone.now() - timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 409
    assert not OutboxEvent.objects.filter(type="webhook.test").exists()
    assert not WebhookDelivery.objects.exists()


def test_replay_needs_a_moment_in_the_retention_window(api, company_system):
    subscription, _ = subscribe(company_system, URL)
    for since in (timezone.now() + timedelta(hours=1), timezone.now() - timedelta(days=400)):
        response = api(company_system).post(
            f"/api/v1/webhooks/{subscription.pk}/replay/",
            {"since": since.isoformat()},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_replay_start"
        assert list(response.json()["fields"]) == ["since"]
    response = api(company_system).post(
        f"/api/v1/webhooks/{subscription.pk}/replay/", {"since": "yesterday"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["since"]
    assert not WebhookDelivery.objects.exists()


def test_replay_answers_how_many(api, company_system, licensing_officer, company):
    from masar.operators.services import company_suspend

    subscription, _ = subscribe(company_system, URL, ["company.suspended"])
    company_suspend(actor=licensing_officer, company=company, reason="x")
    outbox_relay()
    WebhookDelivery.objects.all().delete()
    response = api(company_system).post(
        f"/api/v1/webhooks/{subscription.pk}/replay/",
        {"since": (timezone.now() - timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 202
    event = OutboxEvent.objects.get(type="company.suspended")
    assert response.json() == {
        "replayed": 1,
        "truncated": False,
        "until": event.occurred_at.astimezone(timezone.get_current_timezone()).isoformat(),
    }
    assert WebhookDelivery.objects.get().is_replay is True


def test_deliveries_are_listed_newest_first_and_filtered(api, company_system, company):
    subscription, _ = subscribe(company_system, URL)
    for _ in range(2):
        api(company_system).post(f"/api/v1/webhooks/{subscription.pk}/test/")
    outbox_relay()
    first, second = WebhookDelivery.objects.order_by("id")
    WebhookDelivery.objects.filter(pk=first.pk).update(status="dead", attempts=9)
    body = api(company_system).get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()
    assert [d["id"] for d in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["webhook_id"] == second.webhook_id
    assert body["results"][0]["event_type"] == "webhook.test"
    dead = (
        api(company_system)
        .get(f"/api/v1/webhooks/{subscription.pk}/deliveries/?status=dead")
        .json()
    )
    assert [(d["id"], d["attempts"]) for d in dead["results"]] == [(first.pk, 9)]
    bad = api(company_system).get(f"/api/v1/webhooks/{subscription.pk}/deliveries/?status=x")
    assert bad.status_code == 400
    assert list(bad.json()["fields"]) == ["status"]


def test_another_organization_can_neither_read_nor_change_a_webhook(
    api, company_system, other_company_system, licensing_officer
):
    subscription, _ = subscribe(company_system, URL)
    api(company_system).post(f"/api/v1/webhooks/{subscription.pk}/test/")
    outbox_relay()
    before = _snapshot(subscription)
    events, deliveries = OutboxEvent.objects.count(), WebhookDelivery.objects.count()
    base = f"/api/v1/webhooks/{subscription.pk}"
    since = {"since": (timezone.now() - timedelta(hours=1)).isoformat()}
    for intruder in (other_company_system, licensing_officer):
        client = api(intruder)
        assert client.get("/api/v1/webhooks/").json().get("results", []) == []
        for method, path, data in [
            ("get", f"{base}/", None),
            ("patch", f"{base}/", {"is_active": False, "url": "https://evil.example/"}),
            ("delete", f"{base}/", None),
            ("post", f"{base}/rotate-secret/", {}),
            ("post", f"{base}/replay/", since),
            ("post", f"{base}/test/", None),
            ("get", f"{base}/deliveries/", None),
        ]:
            response = getattr(client, method)(path, data, format="json")
            assert response.status_code in (403, 404), (intruder, method, path)
            assert response.json()["code"] in ("not_found", "role_required")
    assert _snapshot(subscription) == before
    assert (OutboxEvent.objects.count(), WebhookDelivery.objects.count()) == (events, deliveries)


def test_every_endpoint_is_in_the_openapi_schema(api, licensing_officer):
    response = api(licensing_officer).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/api/v1/webhooks/": {"get", "post"},
        "/api/v1/webhooks/{webhook_id}/": {"get", "patch", "delete"},
        "/api/v1/webhooks/{webhook_id}/rotate-secret/": {"post"},
        "/api/v1/webhooks/{webhook_id}/replay/": {"post"},
        "/api/v1/webhooks/{webhook_id}/test/": {"post"},
        "/api/v1/webhooks/{webhook_id}/deliveries/": {"get"},
        "/api/v1/events/": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
