"""/healthz, /readyz and `masar check-ready`: what they check, and the database going down
(its connection pointed at a closed port) and coming back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.test import Client

from masar.core.health import readiness_cache_clear
from masar.core.models import AuditEntry
from masar.visas.keys import KeyStore, settings_key_store

READY = {
    "status": "ready",
    "checks": {
        "database": {"ok": True},
        "migrations": {"ok": True},
        "cache": {"ok": True},
        "signing_keys": {"ok": True},
        "task_queue": {"ok": True},
    },
}


@pytest.fixture(autouse=True)
def _fresh_verdicts() -> Iterator[None]:
    readiness_cache_clear()
    yield
    readiness_cache_clear()


@pytest.fixture
def keys_dir(settings: Any, tmp_path: Any) -> Iterator[Any]:
    settings.MASAR_KEYS_DIR = str(tmp_path / "keys")
    settings_key_store.cache_clear()
    yield tmp_path / "keys"
    settings_key_store.cache_clear()


@pytest.fixture
def visa_keys(keys_dir: Any) -> KeyStore:
    store = KeyStore.from_settings()
    store.init()
    return store


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    # No `db` fixture: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_is_200_when_every_check_passes(client: Client, visa_keys: KeyStore) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY


@pytest.mark.django_db
def test_readyz_is_503_without_signing_keys(client: Client, keys_dir: Any) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["signing_keys"] == {"ok": False, "reason": "missing"}
    assert body["checks"]["database"] == {"ok": True}


@pytest.mark.django_db
def test_readyz_is_503_when_the_signer_stops_signing_within_the_warning_days(
    client: Client, keys_dir: Any, settings: Any
) -> None:
    settings.MASAR_READY_KEY_DAYS = 14
    KeyStore.from_settings().init(usage_days=10)
    response = client.get("/readyz")
    assert response.status_code == 503
    reason = response.json()["checks"]["signing_keys"]["reason"]
    assert reason in {"signer_expires_in_days: 10.0", "signer_expires_in_days: 9.9"}
    settings.MASAR_READY_KEY_DAYS = 7
    readiness_cache_clear()
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_not_throttled_audited_or_logged_in(client: Client, visa_keys: KeyStore) -> None:
    before = AuditEntry.objects.count()
    statuses = {client.get("/readyz").status_code for _ in range(130)}
    assert statuses == {200}
    assert AuditEntry.objects.count() == before
    assert "sessionid" not in client.cookies


@pytest.mark.django_db
def test_check_ready_prints_the_checks_and_exits_1_on_a_failure(
    keys_dir: Any, visa_keys: KeyStore
) -> None:
    out = StringIO()
    call_command("check_ready", stdout=out)
    assert json.loads(out.getvalue()) == READY

    (keys_dir / "store.json").unlink()
    readiness_cache_clear()
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("check_ready", stdout=out)
    assert failure.value.returncode == 1
    assert str(failure.value) == "not ready: signing_keys"
    assert json.loads(out.getvalue())["checks"]["signing_keys"] == {
        "ok": False,
        "reason": "missing",
    }


@contextmanager
def _down() -> Iterator[None]:
    """The database is unreachable: PostgreSQL's connection is pointed at a closed port;
    SQLite's (an in-memory test database, which must stay open) refuses to reconnect."""
    if connection.vendor == "postgresql":
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.update(saved)
        return

    def refuse(params: Any) -> Any:
        raise OperationalError("unable to open database file")

    handle, connection.connection = connection.connection, None
    connect = connection.get_new_connection
    connection.get_new_connection = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        connection.get_new_connection = connect  # type: ignore[method-assign]
        connection.connection = handle


@pytest.mark.django_db(transaction=True)
def test_readyz_goes_503_when_the_database_is_down_and_200_when_it_is_back(
    client: Client, visa_keys: KeyStore
) -> None:
    assert client.get("/readyz").status_code == 200
    with _down():
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["database"] == {
            "ok": False,
            "reason": "unreachable: OperationalError",
        }
        assert body["checks"]["migrations"] == {"ok": False, "reason": "database_unavailable"}
        assert body["checks"]["task_queue"] == {"ok": False, "reason": "database_unavailable"}
        assert body["checks"]["cache"] == {"ok": True}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY
