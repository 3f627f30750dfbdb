"""The one place that reads Masar's environment.

Settings modules import from here so that every variable has one name, one parser and one
documented default (see docs/operations.md).
"""

from __future__ import annotations

import math
import os
import secrets
import zlib
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = Path(os.environ.get("MASAR_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("MASAR_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def masar_env() -> str:
    return env_str("MASAR_ENV", "development").lower()


# Keys that appear in documentation, tutorials and generated project templates.
KNOWN_WEAK_SECRET_KEYS = frozenset(
    {
        "changeme",
        "change-me",
        "secret",
        "secret-key",
        "secret_key",
        "your-secret-key",
        "your-secret-key-here",
        "django-insecure",
        "masar",
        "masar-demo",
        "development",
        "notsecret",
        "insecure",
    }
)
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 10
# Two crude estimates of a key's entropy, both of which must reach this: the Shannon
# entropy of its own characters times its length, and its size once compressed.
# `secrets.token_urlsafe(50)` has about 370 bits by the first, 50 hexadecimal digits about
# 190; a key made of a few characters or of a repeated word falls far short of one of them.
SECRET_KEY_MIN_BITS = 160


def secret_key_weakness(value: str) -> str | None:
    """Why a production secret key is weak, or None when it is acceptable."""
    folded = value.strip().lower()
    if folded in KNOWN_WEAK_SECRET_KEYS or folded.startswith("django-insecure"):
        return "it is a known default"
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return f"it is shorter than {SECRET_KEY_MIN_LENGTH} characters"
    counts = Counter(value)
    if len(counts) < SECRET_KEY_MIN_DISTINCT:
        return f"it has fewer than {SECRET_KEY_MIN_DISTINCT} different characters"
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    if per_char * len(value) < SECRET_KEY_MIN_BITS:
        return f"it has less than {SECRET_KEY_MIN_BITS} bits of estimated entropy"
    # A repeated pattern has varied characters but compresses to almost nothing.
    compressed = len(zlib.compress(value.encode(), 9)) - len(zlib.compress(b"", 9))
    if compressed * 8 < SECRET_KEY_MIN_BITS:
        return "it repeats a pattern"
    return None


def database_url(*, required: bool, default: str) -> str:
    """DATABASE_URL, or the embedded SQLite file outside production. Production never falls
    back to SQLite silently: a web node without the variable would start on an empty file
    of its own."""
    value = env_str("DATABASE_URL")
    if value:
        return value
    if required:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DATABASE_URL must be set when MASAR_ENV=production (e.g. postgres://...)."
        )
    return default


def secret_key(*, required: bool) -> str:
    """The secret key: from MASAR_SECRET_KEY, or generated once and kept under var/.

    In production the key must come from the environment: a key generated on one machine
    would differ between the web nodes and silently break sessions and signatures. It must
    also be strong: long, varied and not a known default (`secret_key_weakness`).
    """
    value = env_str("MASAR_SECRET_KEY")
    if required:
        from django.core.exceptions import ImproperlyConfigured

        if not value:
            raise ImproperlyConfigured("MASAR_SECRET_KEY must be set when MASAR_ENV=production.")
        weakness = secret_key_weakness(value)
        if weakness:
            raise ImproperlyConfigured(
                f"MASAR_SECRET_KEY is too weak for production: {weakness}. Generate one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        return value
    if value:
        return value
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
