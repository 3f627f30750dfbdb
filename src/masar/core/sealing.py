"""Sealing small secrets at rest with keys derived from SECRET_KEY.

Each use names its own `purpose`, so a key derived for webhook secrets never opens an
idempotency record. SECRET_KEY_FALLBACKS are tried too, so rotating Django's key does not
lock the platform out of what it sealed before.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SealBroken(ValueError):
    """The sealed value cannot be opened with the current keys."""


@lru_cache(maxsize=64)
def _fernet(key_material: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        key_material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _sealer(purpose: str) -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(k, purpose) for k in keys])


def seal_bytes(value: bytes, *, purpose: str) -> bytes:
    return _sealer(purpose).encrypt(value)


def open_bytes(sealed: bytes, *, purpose: str) -> bytes:
    try:
        return _sealer(purpose).decrypt(sealed)
    except InvalidToken as exc:
        raise SealBroken(
            f"a value sealed for {purpose} cannot be opened: was SECRET_KEY changed without "
            "keeping the old key in SECRET_KEY_FALLBACKS?"
        ) from exc
