"""The restore drill (tools/restore_drill.py) on PostgreSQL: a populated database dumped,
restored into a fresh one and checked: row counts, the audit chain, visa seals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from masar.core.models import AuditEntry
from masar.visas.keys import KeyStore
from masar.visas.models import Visa
from masar.visas.services import visa_cancel
from tests.visas import conftest as visas_fixtures
from tests.worker_processes import database_url

season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
make_draft = visas_fixtures.make_draft
_media = visas_fixtures._media
visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision
issued = visas_fixtures.issued

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

REPO = Path(__file__).resolve().parents[2]


def _drill(tmp_path: Path, keys: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "restore_drill.py"),
            "--source-url",
            database_url(),
            "--keys",
            str(keys),
            "--seals",
            "3",
            "--workdir",
            str(tmp_path / "drill"),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=600,
    )
    return done.returncode, json.loads(done.stdout)


def _populate(issued: Any, visa_officer: Any) -> list[Visa]:
    visas = [issued() for _ in range(4)]
    visa_cancel(
        actor=visa_officer, number=visas[0].number, reason_code="fraud", reason="forged documents"
    )
    return visas


def _restored_databases() -> set[str]:
    """This test database's restored copy, if it exists (not another xdist worker's, whose
    drill may be running at the same moment)."""
    target = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname = %s", [target])
        return {row[0] for row in cursor.fetchall()}


def test_a_backup_restores_into_a_fresh_database_that_checks_out(
    tmp_path: Path, issued: Any, visa_officer: Any, visa_keys: KeyStore
) -> None:
    visas = _populate(issued, visa_officer)
    before = _restored_databases()

    code, report = _drill(tmp_path, visa_keys.directory)

    assert code == 0, report
    assert report["ok"] is True
    assert report["target"] == f"{connection.settings_dict['NAME']}_restore"
    assert report["tables"]["mismatches"] == {}
    assert report["tables"]["compared"] >= 60
    assert report["tables"]["rows"] >= AuditEntry.objects.count() + len(visas)
    assert report["audit"]["ok"] is True
    assert report["audit"]["output"] == [
        f"audit chain intact: {AuditEntry.objects.count()} entries verified, "
        "0 signed checkpoint(s) matched"
    ]
    # The test settings keep no checkpoint: said as a warning, not a failure of the drill.
    assert report["audit"]["warnings"] == [
        "warning: no signed checkpoint yet: removal of the last entries cannot be seen"
    ]
    # The three most recent valid visas (the cancelled one is on the revocation list).
    assert report["seals"] == {"ok": True, "checked": 3, "failures": []}
    assert set(report["timings"]) == {"backup_seconds", "restore_seconds", "audit_verify_seconds"}
    assert _restored_databases() == before  # the fresh copy was dropped


def test_the_drill_fails_when_the_keys_backup_does_not_match_the_seals(
    tmp_path: Path, issued: Any, visa_officer: Any, visa_keys: KeyStore
) -> None:
    _populate(issued, visa_officer)
    other = KeyStore(tmp_path / "other-keys")
    other.init()

    code, report = _drill(tmp_path, other.directory)

    assert code == 1
    assert report["ok"] is False
    assert report["tables"]["ok"] is True and report["audit"]["ok"] is True
    assert report["seals"]["ok"] is False
    assert report["seals"]["checked"] == 3
    assert {failure["same_bytes"] for failure in report["seals"]["failures"]} == {True}
    assert len(report["seals"]["failures"]) == 3
