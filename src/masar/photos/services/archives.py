"""A group's archive of photos named by passport number: bounded from its ZIP directory
at upload, processed by the worker file by file (each outcome committed with the progress),
resumed when its worker stops."""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications.models import Group, Pilgrim
from masar.applications.services.common import agent_of_actor
from masar.core.audit import audit_record
from masar.core.errors import Forbidden, NotFound, ValidationFailed
from masar.photos.checks import CheckOutcome, PhotoProblem, Problem, Thresholds, portrait_check
from masar.photos.error_codes import PhotosError
from masar.photos.models import BatchStatus, ItemOutcome, PhotoBatch, PhotoBatchItem
from masar.photos.services.portraits import (
    photo_thresholds,
    portrait_save_checked,
    read_bounded,
)

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
PASSPORT_STEM = re.compile(r"^[A-Z0-9]{5,9}$")
# An archive with no file done for this long has lost its worker.
STALE_AFTER = timedelta(minutes=10)
# What reading one member of a hostile or damaged archive may raise.
UNREADABLE_MEMBER = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    zlib.error,
)


@dataclass(frozen=True)
class _Member:
    position: int
    info: zipfile.ZipInfo
    file_name: str


def _members(archive: zipfile.ZipFile) -> list[_Member]:
    """The archive's files in order, less folders and the hidden files of desktop systems."""
    members: list[_Member] = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = PurePosixPath(info.filename.replace("\\", "/")).name
        if not name or name.startswith(".") or info.filename.startswith("__MACOSX/"):
            continue
        members.append(_Member(len(members) + 1, info, name))
    return members


def _archive_error(code: PhotosError, message: str) -> ValidationFailed:
    return ValidationFailed(code, message, fields={"file": [message]})


def _open_bounded(handle: IO[bytes]) -> tuple[zipfile.ZipFile, list[_Member]]:
    """Open the archive's directory (no member is read) and check its bounds."""
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _archive_error(PhotosError.INVALID_ZIP, _("The file is not a ZIP archive.")) from None
    members = _members(archive)
    if not members:
        raise _archive_error(PhotosError.INVALID_ZIP, _("The archive holds no files."))
    if len(members) > settings.MASAR_PHOTO_ARCHIVE_MAX_FILES:
        raise _archive_error(
            PhotosError.ZIP_TOO_LARGE,
            _("The archive holds %(count)d files; at most %(limit)d.")
            % {"count": len(members), "limit": settings.MASAR_PHOTO_ARCHIVE_MAX_FILES},
        )
    unpacked = sum(m.info.file_size for m in members)
    if unpacked > settings.MASAR_PHOTO_ARCHIVE_MAX_UNPACKED:
        raise _archive_error(
            PhotosError.ZIP_TOO_LARGE,
            _("The archive unpacks to %(size)d MB; at most %(limit)d MB.")
            % {
                "size": unpacked // 2**20,
                "limit": settings.MASAR_PHOTO_ARCHIVE_MAX_UNPACKED // 2**20,
            },
        )
    return archive, members


@transaction.atomic
def photo_batch_create(
    *, actor: User, group: Group, upload: UploadedFile, enqueue: bool = True
) -> PhotoBatch:
    """Accept a group's ZIP of photos named by passport number and queue its processing.
    The archive's size, file count and unpacked size are checked from its directory now,
    before any file in it is read."""
    agent = agent_of_actor(actor)
    if group.agent_id != agent.pk:
        raise Forbidden(PhotosError.NOT_ALLOWED, _("This group belongs to another agent."))
    name = upload.name or "photos.zip"
    if not name.lower().endswith(".zip"):
        raise _archive_error(PhotosError.INVALID_ZIP, _("Upload a .zip file."))
    if upload.size is not None and upload.size > settings.MASAR_PHOTO_ARCHIVE_MAX_BYTES:
        raise _archive_error(
            PhotosError.ZIP_TOO_LARGE,
            _("The archive is larger than %d MB.")
            % (settings.MASAR_PHOTO_ARCHIVE_MAX_BYTES // 2**20),
        )
    upload.seek(0)
    _archive, members = _open_bounded(upload)  # type: ignore[arg-type]
    upload.seek(0)
    batch = PhotoBatch(
        group=group,
        agent=agent,
        uploaded_by=actor,
        original_name=name[-200:],
        total_files=len(members),
    )
    batch.file.save("archive.zip", upload, save=False)
    batch.save()
    audit_record(
        actor=actor,
        action="photos.archive_uploaded",
        target=batch,
        details={"group_id": group.pk, "file": batch.original_name, "files": len(members)},
    )
    if enqueue:
        _enqueue_on_commit(batch.pk)
    return batch


def _enqueue_on_commit(batch_id: int) -> None:
    def enqueue() -> None:
        from masar.photos.tasks import photo_batch_process

        photo_batch_process.enqueue(batch_id=batch_id)

    transaction.on_commit(enqueue)


def _group_pilgrims(group: Group) -> dict[str, Pilgrim]:
    pilgrims: dict[str, Pilgrim] = {}
    for pilgrim in Pilgrim.objects.filter(applications__group=group).distinct().order_by("pk"):
        pilgrims.setdefault(pilgrim.passport_number.upper(), pilgrim)
    return pilgrims


def _item(
    batch: PhotoBatch,
    member: _Member,
    *,
    outcome: str,
    reasons: list[dict[str, Any]],
    passport: str = "",
    pilgrim: Pilgrim | None = None,
) -> None:
    """Record one file's outcome and move the batch's counters (caller's transaction)."""
    PhotoBatchItem.objects.create(
        batch=batch,
        position=member.position,
        file_name=member.file_name[-255:],
        passport_number=passport[:40],
        pilgrim=pilgrim,
        outcome=outcome,
        reasons=reasons,
    )
    accepted = 1 if outcome == ItemOutcome.ACCEPTED else 0
    PhotoBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now(),
        processed_files=F("processed_files") + 1,
        accepted_files=F("accepted_files") + accepted,
        rejected_files=F("rejected_files") + (1 - accepted),
    )


def _process_member(
    batch: PhotoBatch,
    archive: zipfile.ZipFile,
    member: _Member,
    pilgrims: dict[str, Pilgrim],
    seen: set[str],
    t: Thresholds,
) -> None:
    path = PurePosixPath(member.file_name)
    passport = path.stem.strip().upper()
    if path.suffix.lower() not in PHOTO_SUFFIXES or not PASSPORT_STEM.match(passport):
        with transaction.atomic():
            _item(
                batch,
                member,
                outcome=ItemOutcome.REJECTED,
                reasons=[{"code": PhotosError.NOT_A_PHOTO_NAME.value, "params": {}}],
            )
        return
    pilgrim = pilgrims.get(passport)
    if pilgrim is None or passport in seen:
        code = PhotosError.NO_PILGRIM if pilgrim is None else PhotosError.DUPLICATE_IN_ZIP
        with transaction.atomic():
            _item(
                batch,
                member,
                outcome=ItemOutcome.REJECTED,
                reasons=[{"code": code.value, "params": {}}],
                passport=passport,
            )
        return
    seen.add(passport)
    data: bytes | None = None
    unreadable = False
    if member.info.file_size <= t.max_bytes:
        try:
            with archive.open(member.info) as handle:
                # The directory's size may lie: never read more than the limit allows.
                data = read_bounded(handle, t.max_bytes)
        except UNREADABLE_MEMBER:
            # Encrypted, an unknown compression, a bad CRC: this file only.
            unreadable = True
    if unreadable:
        outcome = CheckOutcome([Problem(PhotoProblem.UNREADABLE)], {})
    elif data is None:
        outcome = CheckOutcome(
            [
                Problem(
                    PhotoProblem.FILE_TOO_LARGE,
                    {"size": member.info.file_size, "limit": t.max_bytes},
                )
            ],
            {},
        )
    else:
        outcome = portrait_check(data, t)
    reasons = [p.as_dict() for p in outcome.problems]
    with transaction.atomic():
        if not outcome.refused and data is not None:
            portrait_save_checked(
                actor=batch.uploaded_by,
                pilgrim=pilgrim,
                outcome=outcome,
                original_name=member.file_name,
                digest=hashlib.sha256(data).hexdigest(),
                via=f"archive:{batch.pk}",
            )
        _item(
            batch,
            member,
            outcome=ItemOutcome.ACCEPTED if outcome.compliant else ItemOutcome.REJECTED,
            reasons=reasons,
            passport=passport,
            pilgrim=pilgrim,
        )


def photo_batch_run(*, batch_id: int) -> PhotoBatch:
    """Process (or go on processing) one archive: each file is matched by its name to a
    pilgrim of the group, checked, and its outcome committed with the progress counters,
    so a run that stops loses nothing and a resumed run skips the files already done."""
    with transaction.atomic():
        batch = PhotoBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            raise NotFound(PhotosError.BATCH_NOT_FOUND, _("No such photo archive."))
        if batch.is_finished:
            return batch
        batch.status = BatchStatus.RUNNING
        batch.started_at = batch.started_at or timezone.now()
        batch.heartbeat_at = timezone.now()
        batch.save(update_fields=["status", "started_at", "heartbeat_at"])
    t = photo_thresholds()
    done = set(batch.items.values_list("position", flat=True))
    seen = set(batch.items.exclude(pilgrim=None).values_list("passport_number", flat=True))
    pilgrims = _group_pilgrims(batch.group)
    try:
        with batch.file.open("rb") as handle:
            archive, members = _open_bounded(handle)
            with archive:
                for member in members:
                    if member.position not in done:
                        _process_member(batch, archive, member, pilgrims, seen, t)
    except ValidationFailed as exc:
        return _batch_finish(batch, BatchStatus.FAILED, {"code": exc.code})
    except (zipfile.BadZipFile, OSError, EOFError):
        return _batch_finish(batch, BatchStatus.FAILED, {"code": PhotosError.INVALID_ZIP.value})
    return _batch_finish(batch, BatchStatus.COMPLETED, {})


@transaction.atomic
def _batch_finish(batch: PhotoBatch, status: str, error: dict[str, Any]) -> PhotoBatch:
    batch = PhotoBatch.objects.select_for_update().get(pk=batch.pk)
    batch.status = status
    batch.error = error
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "error", "finished_at"])
    audit_record(
        actor=None,
        action="photos.archive_processed",
        target=batch,
        organization=batch.agent.organization,
        details={
            "status": status,
            "accepted": batch.accepted_files,
            "rejected": batch.rejected_files,
        },
    )
    return batch


def _task_waiting(batch_id: int) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status__in=["READY", "RUNNING"],
        task_path="masar.photos.tasks.photo_batch_process",
        args_kwargs__kwargs__batch_id=batch_id,
    ).exists()


def photo_batches_resume(*, stale_after: timedelta = STALE_AFTER) -> list[int]:
    """Queue again every archive whose worker stopped: running with no file done for
    `stale_after`, or queued that long with no task waiting. Each goes on after the files
    already done. Returns the ids queued."""
    cutoff = timezone.now() - stale_after
    resumed: list[int] = []
    candidates = PhotoBatch.objects.filter(
        status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
    ).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            batch = PhotoBatch.objects.select_for_update().get(pk=pk)
            if batch.is_finished or _task_waiting(pk):
                continue
            batch.status = BatchStatus.QUEUED
            batch.heartbeat_at = timezone.now()
            batch.save(update_fields=["status", "heartbeat_at"])
            audit_record(
                actor=None,
                action="photos.archive_resumed",
                target=batch,
                organization=batch.agent.organization,
                details={"processed_files": batch.processed_files},
            )
            _enqueue_on_commit(pk)
            resumed.append(pk)
    return resumed
