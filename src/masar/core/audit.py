"""Writing and verifying the audit trail.

`audit_record` must run inside the caller's transaction: the entry commits or rolls back
with the change it describes. The chain head row is locked for the append, which orders
entries the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from masar.core.context import current_origin
from masar.core.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from masar.accounts.models import Organization, User

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def entry_hash(
    *,
    prev_hash: str,
    at: str,
    actor_id: int | None,
    actor_label: str,
    organization_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    origin: dict[str, Any],
    details: dict[str, Any],
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            at,
            actor_id,
            actor_label,
            organization_id,
            action,
            target_type,
            target_id,
            origin,
            details,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _target(target: models.Model | tuple[str, str] | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return target
    return target._meta.label_lower, str(target.pk)


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | tuple[str, str] | None = None,
    organization: Organization | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain, in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside transaction.atomic")
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS, "count": 0}
    )
    at = timezone.now()
    target_type, target_id = _target(target)
    org = organization if organization is not None else getattr(actor, "organization", None)
    origin = _canonical(current_origin().as_dict())
    clean_details = _canonical(details or {})
    actor_id = actor.pk if actor is not None else None
    actor_label = actor.get_username() if actor is not None else "system"
    at_text = at.isoformat()
    digest = entry_hash(
        prev_hash=head.last_hash,
        at=at_text,
        actor_id=actor_id,
        actor_label=actor_label,
        organization_id=org.pk if org is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        origin=origin,
        details=clean_details,
    )
    entry = AuditEntry.objects.create(
        at=at,
        actor_id=actor_id,
        actor_label=actor_label,
        organization=org,
        action=action,
        target_type=target_type,
        target_id=target_id,
        origin=origin,
        details=clean_details,
        prev_hash=head.last_hash,
        hash=digest,
    )
    AuditHead.objects.filter(id=1).update(last_hash=digest, count=models.F("count") + 1)
    return entry


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    breaks: tuple[ChainBreak, ...]
    checkpoints: int = 0  # signed checkpoints the chain was checked against
    warnings: tuple[str, ...] = ()
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return not self.breaks


def _entries(batch: int = 5000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def audit_verify() -> ChainReport:
    """Recompute every hash in order; report each place where the chain does not hold,
    including a chain shorter than, or different from, a signed checkpoint of its head
    (`masar.core.audit_checkpoints`): truncation at the end is caught there."""
    from masar.core.audit_checkpoints import CheckpointError, checkpoints_read

    breaks: list[ChainBreak] = []
    warnings: list[str] = []
    try:
        recorded = checkpoints_read()
    except CheckpointError as exc:
        recorded = None
        breaks.append(ChainBreak(None, f"checkpoints cannot be read: {exc}"))
    expected_at: dict[int, set[str]] = {}
    if recorded is not None:
        for line in recorded.forged_lines:
            breaks.append(ChainBreak(None, f"checkpoint line {line}: signature does not hold"))
        for checkpoint in recorded.checkpoints:
            expected_at.setdefault(checkpoint.count, set()).add(checkpoint.hash)
    prev = GENESIS
    checked = 0
    for entry in _entries():
        checked += 1
        for digest in expected_at.pop(checked, set()):
            if digest != entry.hash:
                breaks.append(
                    ChainBreak(entry.id, f"entry {checked} differs from its signed checkpoint")
                )
        if entry.prev_hash != prev:
            breaks.append(ChainBreak(entry.id, "previous hash does not match (row removed?)"))
        expected = entry_hash(
            prev_hash=entry.prev_hash,
            at=entry.at.isoformat(),
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            organization_id=entry.organization_id,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            origin=entry.origin,
            details=entry.details,
        )
        if expected != entry.hash:
            breaks.append(ChainBreak(entry.id, "content does not match its hash (row altered)"))
        prev = entry.hash
    head = AuditHead.objects.filter(id=1).first()
    if head is not None:
        if head.last_hash != prev:
            breaks.append(ChainBreak(None, "chain head does not match the last entry"))
        if head.count != checked:
            breaks.append(
                ChainBreak(None, f"chain head counts {head.count} entries, found {checked}")
            )
    elif checked:
        breaks.append(ChainBreak(None, "entries exist but the chain head is missing"))
    if expected_at:
        longest = max(expected_at)
        breaks.append(
            ChainBreak(
                None,
                f"a signed checkpoint counts {longest} entries, found {checked} "
                "(entries removed at the end?)",
            )
        )
    if recorded is None and checked:
        warnings.append("no signed checkpoint yet: removal of the last entries cannot be seen")
    return ChainReport(
        checked=checked,
        breaks=tuple(breaks),
        checkpoints=len(recorded.checkpoints) if recorded is not None else 0,
        warnings=tuple(warnings),
        head_hash=prev,
    )
