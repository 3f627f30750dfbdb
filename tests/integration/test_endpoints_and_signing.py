"""Which endpoints are callable, and the Standard Webhooks signature and sealed secrets."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook

from masar.integration.endpoints import address_is_internal, endpoint_problems
from masar.integration.signing import (
    secret_generate,
    secret_open,
    secret_seal,
    signature,
    signature_header,
)


def _problems(url: str, *, local: bool = True, block: bool = False) -> list[str]:
    return endpoint_problems(url, allow_http_localhost=local, block_private=block)


def test_https_endpoints_are_fine():
    assert _problems("https://hooks.example.org/masar?x=1") == []
    assert _problems("https://hooks.example.org:8443/masar", local=False, block=True) == []


def test_plain_http_only_to_loopback_and_only_when_allowed():
    for url in ("http://127.0.0.1:9009/masar-hook", "http://localhost/x", "http://[::1]:80/x"):
        assert _problems(url) == []
        assert _problems(url, local=False) == ["The endpoint must use HTTPS."]
    assert _problems("http://hooks.example.org/") == ["The endpoint must use HTTPS."]


def test_production_refuses_internal_addresses():
    for url in (
        "https://10.1.2.3/",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://127.0.0.1/",
        "https://localhost/",
        "https://[fd00::1]/",
        "https://db.localhost/",
    ):
        assert _problems(url, local=False, block=True) == [
            "The endpoint may not point into a private or loopback network."
        ], url
    assert address_is_internal("8.8.8.8") is False
    assert address_is_internal("not-an-ip") is False


def test_other_problems_are_named():
    assert _problems("ftp://hooks.example.org/") == ["The endpoint must use HTTPS."]
    assert _problems("https://u:p@hooks.example.org/") == [
        "Do not put credentials in the URL; use the signing secret."
    ]
    assert _problems("https://hooks.example.org/#x") == ["The URL may not have a #fragment."]
    assert _problems("https:///nohost") == ["The URL needs a host name."]
    assert _problems("https://hooks.example.org:70000/") == ["This is not a valid URL."]


@given(st.text(max_size=200))
def test_any_text_gets_an_answer_not_an_exception(text):
    problems = _problems(text, local=False, block=True)
    assert isinstance(problems, list)
    if not text.startswith("https://"):
        assert problems


def test_a_secret_is_whsec_and_32_random_bytes():
    secret = secret_generate()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret_generate() != secret


@given(
    body=st.binary(max_size=300).map(lambda b: b.decode("latin-1").encode()),
    msg=st.text(alphabet="abcdef0123456789_", min_size=1, max_size=40),
    ts=st.integers(min_value=0, max_value=2**33),
)
def test_our_signature_is_the_reference_one(body, msg, ts):
    from datetime import UTC, datetime

    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    ours = signature(secret, webhook_id=msg, timestamp=ts, body=body)
    reference = Webhook(secret).sign(msg, datetime.fromtimestamp(ts, tz=UTC), body.decode())
    assert ours == reference


def test_two_secrets_give_two_signatures_in_one_header():
    a, b = secret_generate(), secret_generate()
    header = signature_header([a, b], webhook_id="msg_1", timestamp=1700000000, body=b"{}")
    first, second = header.split(" ")
    assert first == signature(a, webhook_id="msg_1", timestamp=1700000000, body=b"{}")
    assert second == signature(b, webhook_id="msg_1", timestamp=1700000000, body=b"{}")


def test_sealed_secrets_open_with_the_key_or_a_fallback(settings):
    secret = secret_generate()
    sealed = secret_seal(secret)
    assert secret not in sealed
    assert secret_open(sealed) == secret
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert secret_open(sealed) == secret  # rotated Django key, old one kept as a fallback
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ValueError, match="SECRET_KEY_FALLBACKS"):
        secret_open(sealed)
