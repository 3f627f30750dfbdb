"""Standard Webhooks signatures and the signing secrets' storage.

A secret is `whsec_` followed by the base64 of 32 random bytes. The signature of a message
is `v1,` + base64(HMAC-SHA256(secret, f"{webhook_id}.{timestamp}.{body}")); while a secret
is being rotated both the new and the previous secret sign, separated by a space, which
the specification allows and its reference verifiers accept.

Secrets are sealed at rest with a key derived from SECRET_KEY (and SECRET_KEY_FALLBACKS,
so rotating Django's key does not lock the platform out of its own secrets).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from masar.core.sealing import SealBroken, open_bytes, seal_bytes

SECRET_PREFIX = "whsec_"  # noqa: S105 - the public prefix of every webhook secret
_SEAL_PURPOSE = "masar.integration.webhook-secret.v1"


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _secret_bytes(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret[len(SECRET_PREFIX) :])


def signature(secret: str, *, webhook_id: str, timestamp: int, body: bytes) -> str:
    content = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(_secret_bytes(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(
    signing_secrets: Iterable[str], *, webhook_id: str, timestamp: int, body: bytes
) -> str:
    """The `webhook-signature` header: one `v1,<sig>` per active secret, space separated."""
    return " ".join(
        signature(s, webhook_id=webhook_id, timestamp=timestamp, body=body) for s in signing_secrets
    )


def secret_seal(secret: str) -> str:
    return seal_bytes(secret.encode(), purpose=_SEAL_PURPOSE).decode()


def secret_open(sealed: str) -> str:
    try:
        return open_bytes(sealed.encode(), purpose=_SEAL_PURPOSE).decode()
    except SealBroken as exc:
        raise ValueError(
            "a webhook secret cannot be opened: was SECRET_KEY changed without keeping the "
            "old key in SECRET_KEY_FALLBACKS?"
        ) from exc
