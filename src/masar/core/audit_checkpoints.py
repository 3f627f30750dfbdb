"""Signed checkpoints of the audit chain head, kept outside the database.

The hash chain (`masar.core.audit`) proves that no entry was altered or removed from the
middle, but whoever can write to the database can delete the last entries and rewrite
`AuditHead` to match: the shorter chain is still a valid chain. A checkpoint records
"the chain had N entries and the N-th hash was H" in an append-only file under
``MASAR_AUDIT_CHECKPOINT_DIR`` (default ``var/keys/audit/``, beside the visa keys), each
line signed with HMAC-SHA256 by a key kept in the same directory (mode 0600, created on
first use). `audit_verify` then refuses a chain shorter than a checkpoint, or one whose
N-th hash differs from it. Checkpoints are written by `masar tick` (job
``audit.checkpoint``) and after each intact `masar audit verify` (ADR 0110).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from django.conf import settings
from django.utils import timezone

KEY_FILE: Final = "checkpoint.key"
CHECKPOINTS_FILE: Final = "checkpoints.jsonl"
FORMAT: Final = "masar-audit-checkpoint/1"


class CheckpointError(Exception):
    """The checkpoint key is unsafe or unreadable."""


@dataclass(frozen=True)
class Checkpoint:
    count: int
    hash: str
    at: str


@dataclass(frozen=True)
class CheckpointFile:
    checkpoints: tuple[Checkpoint, ...]
    forged_lines: tuple[int, ...]  # 1-based line numbers whose signature does not hold


def checkpoint_dir() -> Path | None:
    """The directory of the key and the checkpoints; None when checkpoints are not kept."""
    value = getattr(settings, "MASAR_AUDIT_CHECKPOINT_DIR", None)
    return Path(value) if value else None


def _payload(count: int, digest: str, at: str) -> bytes:
    return json.dumps(
        {"format": FORMAT, "count": count, "hash": digest, "at": at},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def _key(directory: Path, *, create: bool) -> bytes | None:
    path = directory / KEY_FILE
    if not path.exists():
        if not create:
            return None
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                os.fchmod(out.fileno(), 0o600)
                out.write(secrets.token_bytes(32).hex().encode())
    if path.stat().st_mode & 0o077:
        raise CheckpointError(f"{path} may be read by others; chmod 600 it.")
    key = bytes.fromhex(path.read_text().strip())
    if len(key) < 32:
        raise CheckpointError(f"{path} holds fewer than 32 bytes.")
    return key


def _signature(key: bytes, count: int, digest: str, at: str) -> str:
    return hmac.new(key, _payload(count, digest, at), hashlib.sha256).hexdigest()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.with_suffix(".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def checkpoints_read() -> CheckpointFile | None:
    """Every checkpoint whose signature holds, and the lines whose signature does not;
    None when checkpoints are not kept or none was ever written."""
    directory = checkpoint_dir()
    if directory is None or not (directory / CHECKPOINTS_FILE).exists():
        return None
    key = _key(directory, create=False)
    good: list[Checkpoint] = []
    forged: list[int] = []
    lines = (directory / CHECKPOINTS_FILE).read_text().splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            count, digest, at, signature = row["count"], row["hash"], row["at"], row["signature"]
            valid = (
                key is not None
                and isinstance(count, int)
                and isinstance(digest, str)
                and isinstance(at, str)
                and isinstance(signature, str)
                and hmac.compare_digest(_signature(key, count, digest, at), signature)
            )
        except (ValueError, KeyError, TypeError):
            valid = False
        if valid:
            good.append(Checkpoint(count=count, hash=digest, at=at))
        else:
            forged.append(number)
    return CheckpointFile(checkpoints=tuple(good), forged_lines=tuple(forged))


def checkpoint_write(*, count: int, digest: str) -> Checkpoint | None:
    """Append a signed checkpoint of the chain head (count entries, the last one `digest`),
    unless checkpoints are not kept, the chain is empty, or the last checkpoint says the
    same."""
    directory = checkpoint_dir()
    if directory is None or count <= 0:
        return None
    key = _key(directory, create=True)
    assert key is not None
    path = directory / CHECKPOINTS_FILE
    with _locked(path):
        existing = checkpoints_read()
        if existing is not None and existing.checkpoints:
            last = existing.checkpoints[-1]
            if last.count == count and last.hash == digest:
                return None
        at = timezone.now().isoformat(timespec="seconds")
        line = json.dumps(
            {
                "count": count,
                "hash": digest,
                "at": at,
                "signature": _signature(key, count, digest, at),
            },
            sort_keys=True,
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())
    return Checkpoint(count=count, hash=digest, at=at)


def checkpoint_of_head() -> Checkpoint | None:
    """Checkpoint the chain head as it stands (the periodic job)."""
    from masar.core.models import AuditHead

    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        return None
    return checkpoint_write(count=head.count, digest=head.last_hash)
