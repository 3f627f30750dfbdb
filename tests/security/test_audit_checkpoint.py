"""Whoever can write to the database can delete the last audit entries and rewrite the
chain head to match; signed checkpoints of the head, kept outside the database with their
key, make `masar audit verify` see it."""

from __future__ import annotations

import json
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from masar.core.audit import GENESIS, audit_record, audit_verify, entry_hash
from masar.core.audit_checkpoints import checkpoints_read
from masar.core.models import AuditEntry, AuditHead
from masar.core.schedule import schedule_tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint_dir(settings, tmp_path):
    settings.MASAR_AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit")
    return tmp_path / "audit"


def _write(actor, n: int) -> list[AuditEntry]:
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(audit_record(actor=actor, action="test.action", details={"i": i}))
    return entries


def _truncate_last_and_rewrite_head(entries: list[AuditEntry]) -> None:
    """What an attacker with database write access does: the chain stays self-consistent."""
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    AuditHead.objects.filter(id=1).update(last_hash=entries[-2].hash, count=len(entries) - 1)


def _verify_cli() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit", "verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_truncation_after_a_verify_checkpoint_is_detected(licensing_officer, checkpoint_dir):
    entries = _write(licensing_officer, 4)
    out, _ = _verify_cli()
    assert out.strip() == "audit chain intact: 4 entries verified, 0 signed checkpoint(s) matched"

    _truncate_last_and_rewrite_head(entries)

    report = audit_verify()
    assert [b.reason for b in report.breaks] == [
        "a signed checkpoint counts 4 entries, found 3 (entries removed at the end?)"
    ]
    with pytest.raises(CommandError) as excinfo:
        _verify_cli()
    assert excinfo.value.returncode == 1


def test_truncation_after_a_periodic_checkpoint_is_detected(licensing_officer, checkpoint_dir):
    entries = _write(licensing_officer, 3)

    results = schedule_tick(only={"audit.checkpoint"})
    _truncate_last_and_rewrite_head(entries)

    assert results == {"audit.checkpoint": {"count": 3}}
    assert not audit_verify().ok


def test_a_rewritten_chain_of_the_same_length_is_detected(licensing_officer, checkpoint_dir):
    entries = _write(licensing_officer, 2)
    _verify_cli()
    # The attacker rewrites the last entry and recomputes its hash and the head.
    last = entries[-1]
    forged = entry_hash(
        prev_hash=last.prev_hash,
        at=last.at.isoformat(),
        actor_id=last.actor_id,
        actor_label=last.actor_label,
        organization_id=last.organization_id,
        action="test.innocent",
        target_type=last.target_type,
        target_id=last.target_id,
        origin=last.origin,
        details=last.details,
    )
    AuditEntry.objects.filter(pk=last.pk).update(action="test.innocent", hash=forged)
    AuditHead.objects.filter(id=1).update(last_hash=forged)

    report = audit_verify()

    assert [(b.entry_id, b.reason) for b in report.breaks] == [
        (last.pk, "entry 2 differs from its signed checkpoint")
    ]


def test_a_checkpoint_forged_without_the_key_is_a_break(licensing_officer, checkpoint_dir):
    entries = _write(licensing_officer, 3)
    _verify_cli()
    _truncate_last_and_rewrite_head(entries)
    # Replacing the checkpoint line needs the key: a guessed signature does not hold.
    path = checkpoint_dir / "checkpoints.jsonl"
    row = json.loads(path.read_text())
    row.update(count=2, hash=entries[-2].hash, signature="0" * 64)
    path.write_text(json.dumps(row) + "\n")

    report = audit_verify()

    assert [b.reason for b in report.breaks] == ["checkpoint line 1: signature does not hold"]


def test_checkpoints_grow_with_the_chain_and_an_intact_chain_passes(
    licensing_officer, checkpoint_dir
):
    _write(licensing_officer, 2)
    _verify_cli()
    _verify_cli()  # the same head: no second line
    _write(licensing_officer, 1)
    schedule_tick(only={"audit.checkpoint"})

    recorded = checkpoints_read()
    out, err = _verify_cli()

    assert recorded is not None
    assert [(c.count, c.hash) for c in recorded.checkpoints] == [
        (2, AuditEntry.objects.order_by("id")[1].hash),
        (3, AuditHead.objects.get().last_hash),
    ]
    assert recorded.forged_lines == ()
    assert out.strip() == "audit chain intact: 3 entries verified, 2 signed checkpoint(s) matched"
    assert err == ""
    assert os.stat(checkpoint_dir / "checkpoint.key").st_mode & 0o777 == 0o600


def test_a_key_others_can_read_is_refused(licensing_officer, checkpoint_dir):
    _write(licensing_officer, 1)
    _verify_cli()
    os.chmod(checkpoint_dir / "checkpoint.key", 0o644)

    report = audit_verify()

    assert len(report.breaks) == 1
    assert report.breaks[0].reason.startswith("checkpoints cannot be read: ")
    assert report.breaks[0].reason.endswith("may be read by others; chmod 600 it.")


def test_without_checkpoints_verify_warns(licensing_officer, checkpoint_dir):
    _write(licensing_officer, 1)

    report = audit_verify()

    assert report.ok
    assert report.head_hash != GENESIS
    assert report.warnings == (
        "no signed checkpoint yet: removal of the last entries cannot be seen",
    )
