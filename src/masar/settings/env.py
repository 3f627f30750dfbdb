"""The one place that reads Masar's environment.

Settings modules import from here so that every variable has one name, one parser and one
documented default (see docs/operations.md).
"""

from __future__ import annotations

import os
import secrets
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


def secret_key(*, required: bool) -> str:
    """The secret key: from MASAR_SECRET_KEY, or generated once and kept under var/.

    In production the key must come from the environment: a key generated on one machine
    would differ between the web nodes and silently break sessions and signatures.
    """
    value = env_str("MASAR_SECRET_KEY")
    if value:
        return value
    if required:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("MASAR_SECRET_KEY must be set when MASAR_ENV=production.")
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
