"""Webhook addresses in production: only globally routable addresses, the connection made
to the address that was checked (no DNS rebinding), DNS failures refused, and only the
status and a short, cleaned excerpt of the receiver's answer kept."""

from __future__ import annotations

import socket
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.utils import timezone

from masar.integration.endpoints import endpoint_problems
from masar.integration.models import WebhookDelivery, WebhookSubscription
from masar.integration.services.delivery import Claim, delivery_attempt, delivery_record
from masar.integration.services.outbox import event_emit
from tests.integration.conftest import make_service_account, subscribe

NOT_PUBLIC = "The endpoint may not point into a private or loopback network."
PUBLIC = "93.184.215.14"


@pytest.fixture
def production(settings: Any) -> Any:
    settings.MASAR_WEBHOOKS_ALLOW_HTTP_LOCALHOST = False
    settings.MASAR_WEBHOOKS_BLOCK_PRIVATE_NETWORKS = True
    return settings


@pytest.fixture
def company_system(company: Any) -> Any:
    return make_service_account(company.organization, "company.system")


@pytest.mark.parametrize(
    "url",
    [
        "https://100.100.100.200/latest/meta-data",  # shared address space 100.64.0.0/10
        "https://100.64.0.1/",
        "https://192.0.2.10/",  # documentation (TEST-NET-1)
        "https://198.18.0.1/",  # benchmarking
        "https://240.0.0.1/",  # reserved
        "https://0.0.0.0/",
        "https://[::ffff:10.0.0.1]/",  # an IPv4-mapped private address
        "https://[2001:db8::1]/",  # documentation
        "https://[64:ff9b:1::a00:1]/",  # local-use NAT64
    ],
)
def test_production_refuses_every_address_that_is_not_global(url):
    assert endpoint_problems(url, allow_http_localhost=False, block_private=True) == [NOT_PUBLIC]


def test_global_addresses_and_host_names_pass_the_check():
    from masar.integration.endpoints import address_is_public

    for url in ("https://93.184.215.14/hook", "https://[2606:4700::1111]/", "https://a.example/"):
        assert endpoint_problems(url, allow_http_localhost=False, block_private=True) == []
    assert address_is_public(PUBLIC) is True
    assert address_is_public("100.100.100.200") is False


@pytest.mark.django_db
def test_the_api_refuses_a_shared_address_and_writes_nothing(api, company_system, production):
    response = api(company_system).post(
        "/api/v1/webhooks/",
        {"url": "https://100.100.100.200/hook", "event_types": ["*"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_webhook_url",
        "message": "This endpoint cannot be used.",
        "fields": {"url": [NOT_PUBLIC]},
    }
    assert not WebhookSubscription.objects.exists()


def _claim(url: str) -> Claim:
    return Claim(
        delivery_id=1,
        lease_token=uuid.uuid4(),
        locked_until=timezone.now() + timedelta(minutes=1),
        webhook_id="msg_x",
        url=url,
        secrets=("whsec_" + "A" * 44,),
        body=b'{"id": "x"}',
        attempt=1,
    )


class Resolver:
    """A DNS that answers a public address first and an internal one afterwards (rebinding)."""

    def __init__(self, *answers: str | Exception) -> None:
        self.answers = list(answers)
        self.calls: list[str] = []

    def __call__(self, host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        self.calls.append(host)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        family = socket.AF_INET6 if ":" in answer else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (answer, port))]


def _client(seen: list[httpx.Request], status: int = 204, **answer: Any) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, **answer)

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_the_attempt_connects_to_the_address_that_was_checked(monkeypatch, production):
    resolver = Resolver(PUBLIC, "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    seen: list[httpx.Request] = []

    result = delivery_attempt(_client(seen), _claim("https://hooks.example.org:8443/masar?a=1"))

    assert result.ok is True
    assert resolver.calls == ["hooks.example.org"]
    [request] = seen
    assert str(request.url) == f"https://{PUBLIC}:8443/masar?a=1"
    assert request.headers["host"] == "hooks.example.org:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.org"


def test_a_name_resolving_to_an_internal_address_is_not_called(monkeypatch, production):
    monkeypatch.setattr(socket, "getaddrinfo", Resolver("100.100.100.200"))
    seen: list[httpx.Request] = []

    result = delivery_attempt(_client(seen), _claim("https://hooks.example.org/masar"))

    assert (result.ok, result.status_code) == (False, None)
    assert result.error == "refused: resolves to internal 100.100.100.200"
    assert seen == []


def test_a_dns_failure_refuses_the_attempt(monkeypatch, production):
    monkeypatch.setattr(socket, "getaddrinfo", Resolver(socket.gaierror(-2, "Name unknown")))
    seen: list[httpx.Request] = []

    result = delivery_attempt(_client(seen), _claim("https://hooks.example.org/masar"))

    assert (result.ok, result.status_code) == (False, None)
    assert result.error == "refused: the host name did not resolve"
    assert seen == []


NASTY = (
    b"<html><script>alert('x')</script>\x1b[31mInternal\x00 error"
    + "\u202e\u200b".encode()
    + b"\r\n  at db-7.internal:5432 password=hunter2 "
    + b"y" * 5000
)


def test_only_the_status_and_a_short_clean_excerpt_are_kept(monkeypatch, production):
    monkeypatch.setattr(socket, "getaddrinfo", Resolver(PUBLIC))
    seen: list[httpx.Request] = []

    result = delivery_attempt(
        _client(seen, status=500, content=NASTY), _claim("https://hooks.example.org/masar")
    )

    assert result.status_code == 500
    expected = "alert('x') [31mInternal error at db-7.internal:5432 password=hunter2 "
    expected += "y" * (120 - len(expected))
    assert result.error == f"HTTP 500: {expected}"
    assert len(result.error) == len("HTTP 500: ") + 120


@pytest.mark.django_db
def test_the_deliveries_list_shows_the_clean_excerpt(api, company_system, monkeypatch, production):
    subscription, _secret = subscribe(company_system, "https://hooks.example.org/masar")
    from django.db import transaction

    with transaction.atomic():
        event_emit(
            type="company.reinstated",
            subject=("operators.company", "1"),
            payload={"company_id": 1, "reason": "x"},
            organizations=[company_system.organization],
        )
    from masar.integration.services import outbox_relay

    outbox_relay()
    delivery = WebhookDelivery.objects.get()
    monkeypatch.setattr(socket, "getaddrinfo", Resolver(PUBLIC))
    seen: list[httpx.Request] = []
    claim = _claim(subscription.url)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(lease_token=claim.lease_token)
    claim = Claim(**{**claim.__dict__, "delivery_id": delivery.pk})
    delivery_record(claim, delivery_attempt(_client(seen, status=502, content=NASTY), claim))

    body = api(company_system).get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()
    [row] = body["results"]
    assert row["last_status_code"] == 502
    assert row["last_error"].startswith("HTTP 502: alert('x') [31mInternal error at")
    assert len(row["last_error"]) == len("HTTP 502: ") + 120
    assert not any(c in row["last_error"] for c in "<>\x00\x1b\u202e\u200b\r\n")
