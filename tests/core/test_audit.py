from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from masar.core.audit import audit_record, audit_verify
from masar.core.context import Origin, origin_scope
from masar.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


def _write(actor, n: int = 3) -> list[AuditEntry]:
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(audit_record(actor=actor, action="test.action", details={"i": i}))
    return entries


def test_entries_chain_each_to_the_previous(licensing_officer):
    entries = _write(licensing_officer)
    assert entries[0].prev_hash == "0" * 64
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert AuditHead.objects.get().last_hash == entries[-1].hash
    report = audit_verify()
    assert report.ok and report.checked == 3


def test_entry_names_actor_organization_and_origin(licensing_officer):
    with origin_scope(Origin(channel="api", ip="10.0.0.7", request_id="r1")), transaction.atomic():
        entry = audit_record(actor=licensing_officer, action="x.done", target=("a.b", "42"))
    entry.refresh_from_db()
    assert entry.actor_label == "hajj.licensing"
    assert entry.organization_id == licensing_officer.organization_id
    assert entry.origin == {"channel": "api", "ip": "10.0.0.7", "request_id": "r1"}
    assert (entry.target_type, entry.target_id) == ("a.b", "42")


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction(licensing_officer):
    with pytest.raises(RuntimeError):
        audit_record(actor=licensing_officer, action="x")


def test_verify_detects_a_row_altered_by_hand(licensing_officer):
    entries = _write(licensing_officer)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET action = %s WHERE id = %s",
            ["test.forged", entries[1].pk],
        )
    report = audit_verify()
    assert not report.ok
    assert [b.entry_id for b in report.breaks] == [entries[1].pk]


def test_verify_detects_a_removed_row(licensing_officer):
    entries = _write(licensing_officer)
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    report = audit_verify()
    assert [b.entry_id for b in report.breaks] == [entries[2].pk, None]


def test_verify_detects_a_removed_last_row(licensing_officer):
    entries = _write(licensing_officer)
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    assert not audit_verify().ok


def test_cli_verify_passes_then_fails_after_tampering(licensing_officer):
    entries = _write(licensing_officer)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "3 entries verified" in out.getvalue()
    AuditEntry.objects.filter(pk=entries[0].pk).update(details={"i": 99})
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify", stdout=StringIO(), stderr=StringIO())
    assert excinfo.value.returncode == 1
