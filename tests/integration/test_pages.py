"""The integration pages: service accounts, webhooks, deliveries, the test button."""

from __future__ import annotations

import pytest
from django.test import Client

from masar.integration.models import OutboxEvent, WebhookSubscription
from masar.integration.services import outbox_relay, webhook_subscription_update
from tests.factories import UserFactory
from tests.integration.conftest import subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.integration.urls")]


def _client(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def hook(company_system):
    subscription, _ = subscribe(company_system, "https://hooks.company.example/masar")
    return subscription


def test_a_supervisor_sees_the_organizations_service_accounts(
    company_supervisor, company_system, other_company_system, hook
):
    html = _client(company_supervisor).get("/integration/").content.decode()
    assert "company.system" in html
    assert "other.system" not in html
    assert '<th scope="col">' in html


def test_the_account_page_shows_webhooks_and_recent_deliveries(
    company_supervisor, company_system, hook
):
    client = _client(company_supervisor)
    client.post(f"/integration/webhooks/{hook.pk}/test/")
    outbox_relay()
    html = client.get(f"/integration/accounts/{company_system.pk}/").content.decode()
    assert "https://hooks.company.example/masar" in html
    assert "webhook.test" in html
    assert "Send test event" in html
    assert "Recent deliveries" in html
    assert "Pending" in html


def test_the_test_button_with_htmx_answers_in_place(company_supervisor, hook):
    response = _client(company_supervisor).post(
        f"/integration/webhooks/{hook.pk}/test/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    event = OutboxEvent.objects.get(type="webhook.test")
    assert html.startswith('<p role="status">')
    assert str(event.event_id) in html


def test_the_test_button_without_javascript_redirects_with_a_message(
    company_supervisor, company_system, hook
):
    response = _client(company_supervisor).post(f"/integration/webhooks/{hook.pk}/test/")
    assert response.status_code == 302
    assert response["Location"] == f"/integration/accounts/{company_system.pk}/"
    assert OutboxEvent.objects.filter(type="webhook.test").count() == 1


def test_a_disabled_webhook_is_enabled_again_from_the_page(
    company_supervisor, company_system, hook
):
    webhook_subscription_update(actor=company_system, subscription=hook, is_active=False)
    client = _client(company_supervisor)
    html = client.get(f"/integration/accounts/{company_system.pk}/").content.decode()
    assert "Enable again" in html
    failed = client.post(f"/integration/webhooks/{hook.pk}/test/", HTTP_HX_REQUEST="true")
    assert 'role="alert"' in failed.content.decode()
    assert not OutboxEvent.objects.filter(type="webhook.test").exists()
    client.post(f"/integration/webhooks/{hook.pk}/enable/")
    hook.refresh_from_db()
    assert hook.is_active is True


def test_ministry_staff_see_every_organization_but_may_not_act(
    licensing_officer, company_system, other_company_system, hook
):
    client = _client(licensing_officer)
    html = client.get("/integration/").content.decode()
    assert "company.system" in html and "other.system" in html
    page = client.get(f"/integration/accounts/{company_system.pk}/").content.decode()
    assert "https://hooks.company.example/masar" in page
    assert "Send test event" not in page
    response = client.post(f"/integration/webhooks/{hook.pk}/test/", HTTP_HX_REQUEST="true")
    assert 'role="alert"' in response.content.decode()
    assert not OutboxEvent.objects.filter(type="webhook.test").exists()


def test_another_organization_cannot_open_or_use_them(
    other_company_system, company_system, hook, other_company
):
    intruder = UserFactory(organization=other_company.organization, roles=["supervisor"])
    client = _client(intruder)
    assert client.get(f"/integration/accounts/{company_system.pk}/").status_code == 404
    assert client.get(f"/integration/webhooks/{hook.pk}/deliveries/").status_code == 404
    assert client.post(f"/integration/webhooks/{hook.pk}/test/").status_code == 404
    webhook_subscription_update(actor=company_system, subscription=hook, is_active=False)
    assert client.post(f"/integration/webhooks/{hook.pk}/enable/").status_code == 404
    hook.refresh_from_db()
    assert hook.is_active is False
    assert not OutboxEvent.objects.filter(type="webhook.test").exists()


def test_staff_without_the_supervisor_role_are_refused(company_staff, hook):
    assert _client(company_staff).get("/integration/").status_code == 403


def test_the_pages_need_a_sign_in(client, hook):
    response = client.get("/integration/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_pages_are_arabic_and_rtl_by_default(company_supervisor, company_system, hook):
    html = (
        _client(company_supervisor, "ar")
        .get(f"/integration/accounts/{company_system.pk}/")
        .content.decode()
    )
    assert '<html lang="ar" dir="rtl">' in html
    assert '<code dir="ltr">https://hooks.company.example/masar</code>' in html


def test_the_deliveries_partial_refreshes(company_supervisor, hook):
    response = _client(company_supervisor).get(
        f"/integration/webhooks/{hook.pk}/deliveries/", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.startswith(f'<div id="deliveries-{hook.pk}">')
    assert "No deliveries yet." in html
    assert WebhookSubscription.objects.count() == 1
