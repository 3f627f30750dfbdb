"""Production refuses to start without DATABASE_URL (no silent SQLite) and with a weak
secret key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from masar.settings import env

STRONG = "Vq3x_9LrT2mKpZ8wYb4NcH7sJd1GfE6uAo0iXlRkQyWvBtMnPz5CgHjDsUaEr-Fw"


def _start(tmp_path, **variables: str) -> subprocess.CompletedProcess[str]:
    """Load the production settings in a fresh interpreter, as a web node or worker would."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "MASAR_SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        {
            "MASAR_ENV": "production",
            "MASAR_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "masar.settings.production",
            **variables,
        }
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_production_without_database_url_refuses_to_start(tmp_path):
    result = _start(tmp_path, MASAR_SECRET_KEY=STRONG)
    assert result.returncode != 0
    assert "DATABASE_URL must be set when MASAR_ENV=production" in result.stderr
    assert not (tmp_path / "masar.sqlite3").exists()


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("x" * 50, "fewer than 10 different characters"),
        ("abcdefghij" * 5, "it repeats a pattern"),
        ("a" * 41 + "bcdefghijk", "less than 160 bits of estimated entropy"),
        ("s3cr3t-k3y", "shorter than 50 characters"),
        ("changeme", "a known default"),
        ("django-insecure-" + "k" * 50, "a known default"),
    ],
)
def test_production_with_a_weak_secret_key_refuses_to_start(tmp_path, key, reason):
    result = _start(tmp_path, MASAR_SECRET_KEY=key, DATABASE_URL="postgres://db/masar")
    assert result.returncode != 0
    assert "MASAR_SECRET_KEY is too weak for production" in result.stderr
    assert reason in result.stderr
    assert key not in result.stderr


def test_production_with_a_strong_key_and_a_database_starts(tmp_path):
    result = _start(
        tmp_path, MASAR_SECRET_KEY=STRONG, DATABASE_URL="postgres://masar@db.internal/masar"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


@pytest.mark.parametrize(
    "make_key",
    [
        lambda: secrets.token_urlsafe(50),
        lambda: secrets.token_hex(25),
        lambda: secrets.token_hex(32),
        lambda: secrets.token_hex(128),
        lambda: STRONG,
    ],
    ids=["token_urlsafe(50)", "token_hex(25)", "token_hex(32)", "token_hex(128)", "fixed"],
)
def test_generated_keys_are_strong(make_key):
    for _ in range(20):
        assert env.secret_key_weakness(make_key()) is None


def test_database_url_is_only_optional_outside_production(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert env.database_url(required=False, default="sqlite:///x") == "sqlite:///x"
    with pytest.raises(ImproperlyConfigured):
        env.database_url(required=True, default="sqlite:///x")
    monkeypatch.setenv("DATABASE_URL", "postgres://db/masar")
    assert env.database_url(required=True, default="sqlite:///x") == "postgres://db/masar"


def test_outside_production_any_key_is_accepted(monkeypatch):
    monkeypatch.setenv("MASAR_SECRET_KEY", "dev")
    assert env.secret_key(required=False) == "dev"
    with pytest.raises(ImproperlyConfigured):
        env.secret_key(required=True)
