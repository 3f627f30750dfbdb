"""Rate limits keyed on the real client address (a trusted-proxy count, not whatever
X-Forwarded-For a client sends), per application number on the tracker, on the HTML
tracker too, on carrier checks and on every authenticated API client; the tracker's two
values travel only in POST bodies."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import RequestFactory

from masar.border.models import CarrierCheck
from masar.core.throttling import client_address, rate_parse
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

TRACK = "/api/v1/track/"


@pytest.fixture(autouse=True)
def _fresh_counters() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rates(settings: Any, throttle_window_start: None) -> Any:
    def set_rates(**values: str) -> None:
        settings.MASAR_THROTTLE_RATES = {**settings.MASAR_THROTTLE_RATES, **values}

    return set_rates


def _meta(remote: str, forwarded: str | None = None) -> dict[str, str]:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return meta


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # no proxy: the header is a claim
        (1, "10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the proxy's entry
        (2, "10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "10.0.0.2", "198.51.100.7", "198.51.100.7"),  # fewer entries than proxies
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", None, "10.0.0.2"),
        (1, "10.0.0.2", "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(
    settings: Any, trusted: int, remote: str, forwarded: str | None, expected: str
) -> None:
    settings.MASAR_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", **_meta(remote, forwarded))

    assert client_address(request) == expected


def test_rates_are_parsed() -> None:
    assert [rate_parse(r) for r in ("30/minute", "20/hour", "5/s", "1/day")] == [
        rate_parse("30/m"),
        rate_parse("20/h"),
        rate_parse("5/second"),
        rate_parse("1/d"),
    ]
    assert (rate_parse("20/hour").count, rate_parse("20/hour").seconds) == (20, 3600)


def test_a_forged_forwarded_header_does_not_escape_the_tracker_limit(api: Any, rates: Any) -> None:
    rates(track="3/minute")
    client = api(None)

    codes = [
        client.post(
            TRACK,
            {"application": f"A{i}", "passport": "B"},
            **_meta("203.0.113.9", f"198.51.100.{i}"),
        ).status_code
        for i in range(4)
    ]

    assert codes == [404, 404, 404, 429]
    last = client.post(TRACK, {"application": "A9", "passport": "B"}, REMOTE_ADDR="203.0.113.9")
    assert last.json()["code"] == "throttled"
    assert 1 <= int(last["Retry-After"]) <= 60


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(
    api: Any, rates: Any, settings: Any
) -> None:
    settings.MASAR_TRUSTED_PROXIES = 1
    rates(track="2/minute")
    client = api(None)

    def post(forwarded: str, number: str) -> int:
        body = {"application": number, "passport": "B"}
        return client.post(TRACK, body, **_meta("10.0.0.2", forwarded)).status_code

    first = [post(f"9.9.9.{i}, 198.51.100.7", f"A{i}") for i in range(3)]  # left part forged
    second = [post("198.51.100.8", f"B{i}") for i in range(2)]

    assert first == [404, 404, 429]
    assert second == [404, 404]


def test_the_tracker_is_limited_per_application_number(api: Any, rates: Any) -> None:
    rates(track="100/minute", track_application="3/hour")
    client = api(None)

    codes = [
        client.post(
            TRACK, {"application": "u-2026-000001", "passport": f"P{i}"}, REMOTE_ADDR=f"192.0.2.{i}"
        ).status_code
        for i in range(4)
    ]
    other = client.post(TRACK, {"application": "U-2026-000002", "passport": "P"})

    assert codes == [404, 404, 404, 429]
    assert other.status_code == 404


def test_the_tracker_api_refuses_its_values_in_the_address(api: Any) -> None:
    response = api(None).get(TRACK, {"application": "U-1", "passport": "P1"})
    document = api(None).get(f"{TRACK}document.pdf", {"application": "U-1", "passport": "P1"})

    assert response.status_code == 405
    assert response.json() == {
        "code": "track_use_post",
        "message": "Send the application number and the passport number in the body of a "
        "POST request, never in the address.",
        "fields": {},
    }
    assert (document.status_code, document.json()["code"]) == (405, "track_use_post")


def test_the_tracker_page_is_limited_by_address(client: Any, rates: Any) -> None:
    rates(track="2/minute")

    codes = [
        client.post(
            "/track/",
            {"application": f"A{i}", "passport": "B"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        ).status_code
        for i in range(3)
    ]
    client.cookies["django_language"] = "en"
    refused = client.post(
        "/track/",
        {"application": "A9", "passport": "B"},
        REMOTE_ADDR="203.0.113.5",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    client.cookies["django_language"] = "ar"
    arabic = client.post(
        "/track/", {"application": "A9", "passport": "B"}, REMOTE_ADDR="203.0.113.5"
    )

    assert codes == [404, 404, 429]
    assert refused.status_code == 429
    assert "Too many attempts. Wait a few minutes, then try again." in refused.content.decode()
    assert "محاولات كثيرة جدًا. انتظر بضع دقائق ثم أعد المحاولة." in arabic.content.decode()
    assert client.post("/track/", {"application": "A9", "passport": "B"}).status_code == 404


def test_the_tracker_page_is_limited_per_application_number(client: Any, rates: Any) -> None:
    rates(track="100/minute", track_application="2/hour")

    codes = [
        client.post(
            "/track/", {"application": "U-7", "passport": f"P{i}"}, REMOTE_ADDR=f"192.0.2.{i}"
        ).status_code
        for i in range(3)
    ]

    assert codes == [404, 404, 429]


def test_the_tracker_page_takes_no_values_from_the_address(client: Any) -> None:
    old_link = client.get("/track/", {"application": "U-1", "passport": "P1"})
    page = client.get("/track/")

    html = page.content.decode()
    assert (old_link.status_code, old_link["Location"]) == (302, "/track/")
    assert page.status_code == 200
    assert '<form method="post" action="/track/"' in html
    assert "P1" not in html
    assert 'role="alert"' not in html


def test_carrier_checks_are_limited_per_carrier_and_nothing_is_logged(api: Any, rates: Any) -> None:
    rates(carrier="2/minute")
    carrier = UserFactory(
        organization=OrganizationFactory(kind="carrier", code="saudia", name_en="Saudia"),
        roles=["carrier_staff"],
    )
    body = {"passport_number": "Q9999999", "nationality": "EGY", "flight": "SV817"}

    codes = [
        api(carrier).post("/api/v1/carrier-checks/", body, format="json").status_code
        for _ in range(3)
    ]

    assert codes == [200, 200, 429]
    assert CarrierCheck.objects.count() == 2


def test_every_authenticated_api_client_is_limited(
    api: Any, rates: Any, licensing_officer: Any, visa_officer: Any
) -> None:
    rates(user="3/minute")

    mine = [api(licensing_officer).get("/api/v1/seasons/").status_code for _ in range(4)]
    theirs = api(visa_officer).get("/api/v1/seasons/")

    assert mine == [200, 200, 200, 429]
    assert theirs.status_code == 200


def test_the_limit_holds_on_the_database_cache(api: Any, rates: Any, settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "masar_cache_test",
        }
    }
    call_command("createcachetable", verbosity=0)
    rates(track="2/minute")

    codes = [
        api(None).post(TRACK, {"application": f"A{i}", "passport": "B"}).status_code
        for i in range(3)
    ]

    assert codes == [404, 404, 429]


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="needs Redis at 127.0.0.1:6379")
def test_the_limit_holds_on_redis(api: Any, rates: Any, settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
            "KEY_PREFIX": "masar-test-throttle",
        }
    }
    cache.clear()
    rates(track="2/minute")

    codes = [
        api(None).post(TRACK, {"application": f"A{i}", "passport": "B"}).status_code
        for i in range(3)
    ]
    cache.clear()

    assert codes == [404, 404, 429]


def test_audit_entries_name_the_client_behind_a_trusted_proxy(
    api: Any, settings: Any, licensing_officer: Any, season: Any, company: Any
) -> None:
    from masar.core.models import AuditEntry

    settings.MASAR_TRUSTED_PROXIES = 1
    response = api(licensing_officer).post(
        f"/api/v1/seasons/{season.pk}/quotas/",
        {"holder_type": "company", "company_id": company.pk, "limit": 10},
        format="json",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
    )

    entry = AuditEntry.objects.order_by("-id").first()
    assert response.status_code in (200, 201), response.content
    assert entry is not None
    assert entry.origin["ip"] == "198.51.100.7"
