"""Loading files into watchlists (the `masar screening load` command, and uploads imported
by a background task).

A file is a whole snapshot of a list. Loading it compares it with the list's current
entries by their source id: new ids are added, ids whose content differs are changed, ids
the file no longer holds are removed (kept, marked `removed_in`), and one new version
records all of it with the entries' content before and after. A file identical to the
current state makes no version. A file with an error changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.core.audit import audit_record
from masar.core.errors import Conflict, ValidationFailed
from masar.integration.services import event_emit
from masar.screening import formats
from masar.screening.access import require_screening_analyst
from masar.screening.error_codes import ScreeningError
from masar.screening.formats import EntryData, ParsedList, WatchlistFileError
from masar.screening.lock_objects import watchlist_import_lock, watchlist_lock
from masar.screening.models import (
    ChangeKind,
    ImportFormat,
    ImportStatus,
    Watchlist,
    WatchlistEntry,
    WatchlistEntryChange,
    WatchlistImport,
    WatchlistVersion,
)

BATCH = 2000


@dataclass(frozen=True)
class ApplyResult:
    version: WatchlistVersion | None
    added: int
    changed: int
    removed: int
    unchanged: int


def _entry_snapshot(entry: WatchlistEntry) -> dict[str, Any]:
    return formats.entry_snapshot(
        names=entry.names,
        birth_dates=entry.birth_dates,
        nationalities=entry.nationalities,
        document_numbers=entry.document_numbers,
        reason=entry.reason,
        source=entry.source,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
    )


def _fill(entry: WatchlistEntry, data: EntryData, content_hash: str) -> None:
    entry.names = data.names
    entry.birth_dates = data.birth_dates
    entry.nationalities = data.nationalities
    entry.document_numbers = data.document_numbers
    entry.reason = data.reason
    entry.source = data.source
    entry.valid_from = data.valid_from
    entry.valid_until = data.valid_until
    entry.content_hash = content_hash


_CONTENT_FIELDS = [
    "names",
    "birth_dates",
    "nationalities",
    "document_numbers",
    "reason",
    "source",
    "valid_from",
    "valid_until",
    "content_hash",
]


def _chunks(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply(
    *,
    actor: User | None,
    watchlist_id: int,
    entries: list[EntryData],
    fmt: str,
    source_name: str,
    sha256: str,
    job: WatchlistImport | None,
) -> ApplyResult:
    """Make the list hold exactly `entries` (caller's transaction; the list row locked)."""
    watchlist = watchlist_lock(watchlist_id)
    current: dict[str, tuple[int, str, int | None]] = {
        ext: (pk, content_hash, removed_in)
        for pk, ext, content_hash, removed_in in WatchlistEntry.objects.filter(
            watchlist=watchlist
        ).values_list("pk", "external_id", "content_hash", "removed_in")
    }
    number = watchlist.version + 1
    new: list[tuple[EntryData, str]] = []
    changed: dict[int, tuple[EntryData, str, bool]] = {}  # pk -> (data, hash, was removed)
    unchanged = 0
    incoming: set[str] = set()
    for data in entries:
        incoming.add(data.external_id)
        digest = data.content_hash()
        found = current.get(data.external_id)
        if found is None:
            new.append((data, digest))
        elif found[2] is not None:
            changed[found[0]] = (data, digest, True)
        elif found[1] != digest:
            changed[found[0]] = (data, digest, False)
        else:
            unchanged += 1
    removed_ids = [
        pk
        for ext, (pk, _h, removed_in) in current.items()
        if removed_in is None and ext not in incoming
    ]
    readded = sum(1 for _d, _h, was_removed in changed.values() if was_removed)
    if not (new or changed or removed_ids):
        return ApplyResult(None, 0, 0, 0, unchanged)

    total = len(entries)
    version = WatchlistVersion.objects.create(
        watchlist=watchlist,
        number=number,
        source_import=job,
        source_name=source_name[:200],
        format=fmt,
        sha256=sha256,
        added=len(new) + readded,
        changed=len(changed) - readded,
        removed=len(removed_ids),
        total=total,
        created_by=actor,
    )
    log: list[WatchlistEntryChange] = []
    for batch in _chunks(new):
        created = WatchlistEntry.objects.bulk_create(
            [
                WatchlistEntry(
                    watchlist=watchlist,
                    external_id=data.external_id,
                    names=data.names,
                    birth_dates=data.birth_dates,
                    nationalities=data.nationalities,
                    document_numbers=data.document_numbers,
                    reason=data.reason,
                    source=data.source,
                    valid_from=data.valid_from,
                    valid_until=data.valid_until,
                    content_hash=digest,
                    added_in=number,
                    revision=number,
                )
                for data, digest in batch
            ]
        )
        if any(entry.pk is None for entry in created):  # backends without RETURNING ids
            by_ext = dict(
                WatchlistEntry.objects.filter(
                    watchlist=watchlist, external_id__in=[d.external_id for d, _ in batch]
                ).values_list("external_id", "pk")
            )
            for entry in created:
                entry.pk = by_ext[entry.external_id]
        log.extend(
            WatchlistEntryChange(
                version=version, entry_id=entry.pk, kind=ChangeKind.ADDED, before=None,
                after=data.snapshot(),
            )
            for entry, (data, _d) in zip(created, batch, strict=True)
        )  # fmt: skip
    for batch in _chunks(list(changed)):
        rows = list(WatchlistEntry.objects.filter(pk__in=batch))
        for entry in rows:
            data, digest, was_removed = changed[entry.pk]
            before = None if was_removed else _entry_snapshot(entry)
            _fill(entry, data, digest)
            entry.revision = number
            entry.removed_in = None
            log.append(
                WatchlistEntryChange(
                    version=version,
                    entry=entry,
                    kind=ChangeKind.ADDED if was_removed else ChangeKind.CHANGED,
                    before=before,
                    after=data.snapshot(),
                )
            )
        WatchlistEntry.objects.bulk_update(rows, [*_CONTENT_FIELDS, "revision", "removed_in"])
    for batch in _chunks(removed_ids):
        for entry in WatchlistEntry.objects.filter(pk__in=batch):
            log.append(
                WatchlistEntryChange(
                    version=version,
                    entry=entry,
                    kind=ChangeKind.REMOVED,
                    before=_entry_snapshot(entry),
                    after=None,
                )
            )
        WatchlistEntry.objects.filter(pk__in=batch).update(removed_in=number)
    WatchlistEntryChange.objects.bulk_create(log, batch_size=BATCH)
    watchlist.version = number
    watchlist.entry_count = total
    watchlist.updated_at = timezone.now()
    watchlist.save(update_fields=["version", "entry_count", "updated_at"])
    details = {
        "version": number,
        "added": version.added,
        "changed": version.changed,
        "removed": version.removed,
        "total": total,
        "source": source_name,
        "format": fmt,
        "sha256": sha256,
    }
    audit_record(actor=actor, action="watchlist.import", target=watchlist, details=details)
    event_emit(
        type="watchlist.versioned",
        subject=watchlist,
        payload={
            "watchlist_id": watchlist.pk,
            "name": watchlist.name,
            "version": number,
            "added": version.added,
            "changed": version.changed,
            "removed": version.removed,
            "total": total,
            "import_id": job.pk if job is not None else None,
        },
    )
    return ApplyResult(version, version.added, version.changed, version.removed, unchanged)


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(partial(stream.read, 1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _parse(binary: IO[bytes], fmt: str) -> ParsedList:
    text = formats.text_stream(binary)
    try:
        return formats.read_watchlist(text, fmt)  # type: ignore[arg-type]
    finally:
        text.detach()


def _finish(
    job: WatchlistImport, parsed: ParsedList | None, result: ApplyResult | None, error: str
) -> None:
    job.finished_at = timezone.now()
    if parsed is not None:
        job.rows = parsed.rows
        job.skipped_rows = parsed.skipped
        job.error_count = parsed.error_count
        job.warning_count = parsed.warning_count
        job.problems = [p.as_dict() for p in parsed.problems]
    if result is not None:
        job.status = ImportStatus.COMPLETED
        job.added, job.changed = result.added, result.changed
        job.removed, job.unchanged = result.removed, result.unchanged
        job.version = result.version
    else:
        job.status = ImportStatus.FAILED
        job.error = error
    job.save()


def _check_format(fmt: str) -> None:
    if fmt not in ImportFormat.values:
        raise ValidationFailed(
            ScreeningError.INVALID_FILE,
            _("Unknown file layout."),
            fields={"format": [_("Choose masar or ftm.")]},
        )


def watchlist_load(
    *,
    actor: User | None,
    watchlist: Watchlist,
    stream: IO[bytes],
    fmt: str,
    source_name: str,
) -> WatchlistImport:
    """Load a file into a list now, in this process (the `masar screening load` command).

    The import is recorded like an upload; a file with errors fails and changes nothing.
    """
    require_screening_analyst(actor)
    _check_format(fmt)
    sha256 = _sha256(stream)
    with transaction.atomic():
        job = WatchlistImport.objects.create(
            watchlist=watchlist,
            original_name=source_name[:200],
            format=fmt,
            language=translation.get_language() or "en",
            status=ImportStatus.RUNNING,
            sha256=sha256,
            created_by=actor,
            started_at=timezone.now(),
        )
    return _run(job, stream, actor)


def _run(job: WatchlistImport, stream: IO[bytes], actor: User | None) -> WatchlistImport:
    try:
        parsed = _parse(stream, job.format)
    except WatchlistFileError as exc:
        with transaction.atomic():
            _finish(job, None, None, str(exc))
            audit_record(
                actor=actor,
                action="watchlist.import_failed",
                target=job.watchlist,
                details={"import_id": job.pk, "error": str(exc)},
            )
        return job
    if not parsed.ok:
        with transaction.atomic():
            _finish(
                job,
                parsed,
                None,
                _("%(n)d error(s) in the file: nothing was changed.") % {"n": parsed.error_count},
            )
            audit_record(
                actor=actor,
                action="watchlist.import_failed",
                target=job.watchlist,
                details={"import_id": job.pk, "errors": parsed.error_count},
            )
        return job
    with transaction.atomic():
        result = _apply(
            actor=actor,
            watchlist_id=job.watchlist_id,
            entries=parsed.entries,
            fmt=job.format,
            source_name=job.original_name,
            sha256=job.sha256,
            job=job,
        )
        _finish(job, parsed, result, "")
    return job


# --- Uploads, imported by a background task -------------------------------------------------


def watchlist_import_create(
    *,
    actor: User,
    watchlist: Watchlist,
    upload: UploadedFile,
    fmt: str,
    enqueue: bool = True,
) -> WatchlistImport:
    """Accept an uploaded file for a list and queue its import.

    The header is checked at once (a clear 400 names the missing columns); the rows are read
    by the task. `enqueue=False` leaves the run to the caller (tests, the demo).
    """
    require_screening_analyst(actor)
    _check_format(fmt)
    if upload.size is not None and upload.size > formats.MAX_BYTES:
        raise ValidationFailed(
            ScreeningError.FILE_TOO_LARGE,
            _("The file is larger than %(mb)d MB.") % {"mb": formats.MAX_BYTES // 2**20},
            fields={"file": [_("Too large.")]},
        )
    if upload.file is None:
        raise ValidationFailed(
            ScreeningError.INVALID_FILE,
            _("The file is missing."),
            fields={"file": [_("This field is required.")]},
        )
    text = formats.text_stream(upload.file)
    try:
        formats.read_header(text, fmt)  # type: ignore[arg-type]
    except WatchlistFileError as exc:
        raise ValidationFailed(
            ScreeningError.INVALID_FILE,
            _("The file cannot be loaded: %(why)s") % {"why": str(exc)},
            fields={"file": [str(exc)]},
        ) from None
    finally:
        text.detach()
    upload.file.seek(0)
    sha256 = _sha256(upload.file)
    with transaction.atomic():
        if WatchlistImport.objects.filter(
            watchlist=watchlist, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
        ).exists():
            raise Conflict(
                ScreeningError.IMPORT_RUNNING,
                _("A file is being loaded into this list; load the next one when it has finished."),
            )
        job = WatchlistImport.objects.create(
            watchlist=watchlist,
            file=upload,
            original_name=(upload.name or "watchlist.csv")[:200],
            format=fmt,
            language=translation.get_language() or "ar",
            sha256=sha256,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="watchlist.import_queued",
            target=watchlist,
            details={
                "import_id": job.pk,
                "file": job.original_name,
                "format": fmt,
                "sha256": sha256,
            },
        )
        if enqueue:
            transaction.on_commit(partial(_enqueue_import, job.pk), robust=True)
    return job


def _enqueue_import(import_id: int) -> None:
    from masar.screening.tasks import watchlist_import

    watchlist_import.enqueue(import_id=import_id)


def watchlist_import_run(*, import_id: int) -> WatchlistImport:
    """Run a queued import (the task). Idempotent: a finished import is left as it is."""
    with transaction.atomic():
        job = watchlist_import_lock(import_id)
        if job.is_finished:
            return job
        job.status = ImportStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    actor = job.created_by
    with translation.override(job.language):
        try:
            with job.file.open("rb") as handle:
                job = _run(job, handle, actor)
        except FileNotFoundError:
            with transaction.atomic():
                _finish(job, None, None, _("The uploaded file is gone; upload it again."))
    if job.is_finished and job.file:
        # The entries are in the database now; the file (personal data) is not kept.
        job.file.delete(save=False)
        WatchlistImport.objects.filter(pk=job.pk).update(file="")
    return job
