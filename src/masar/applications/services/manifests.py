"""Manifest imports: upload, the background run in committed chunks, resume, the report.

A run reads the file as a stream and handles it in chunks. Each chunk is one
transaction that stores the chunk's accepted rows (draft applications keyed by
(job, row number)), its rejected rows with every reason (keyed the same way) and moves
the job's checkpoint to the chunk's last row. A run that dies loses at most the chunk
it was in, which was never committed; the next run starts after the checkpoint, so no
row is lost or stored twice. The chunk commits only while its run owns the job
(`run_token`), so two workers can never import the same rows.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from heapq import merge
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications import manifest_format
from masar.applications.eligibility import EligibilityContext, context_for_group, evaluate
from masar.applications.eligibility.base import Failure, passport_key
from masar.applications.eligibility.context import active_passports
from masar.applications.error_codes import ApplicationsError
from masar.applications.lock_objects import manifest_job_lock
from masar.applications.manifest_bounds import XlsxRefused, xlsx_directory_check
from masar.applications.manifest_format import ManifestReader, ManifestUnreadable
from masar.applications.models import (
    Application,
    Group,
    ManifestJob,
    ManifestMode,
    ManifestRejection,
    ManifestStatus,
    Pilgrim,
)
from masar.applications.pilgrim_input import PilgrimInput, pilgrim_input_clean
from masar.applications.services.common import agent_of_actor
from masar.applications.services.pilgrims import OPEN_STATUSES, application_number
from masar.applications.services.transitions import QUOTA_RULES
from masar.core.audit import audit_record
from masar.core.context import Origin, origin_scope
from masar.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from masar.integration.services import event_emit
from masar.operators.models import Agent

CHUNK_ROWS = 2000
STALE_AFTER = timedelta(minutes=10)


def manifest_stale_after() -> timedelta:
    """How long a running import may go without a heartbeat before it is taken for dead
    (its worker killed) and queued again: MASAR_MANIFEST_STALE_SECONDS, by default
    `STALE_AFTER`. A chunk beats the heart, so this is far longer than any chunk takes."""
    seconds = getattr(settings, "MASAR_MANIFEST_STALE_SECONDS", None)
    return STALE_AFTER if seconds is None else timedelta(seconds=float(seconds))


MAX_RUNS = 5
VALIDATE, STORE = "validate", "store"

AfterChunk = Callable[[ManifestJob], None]


class _LostJob(Exception):
    """Another run owns the job now (it was resumed): this run stops without writing."""


# --- Upload ----------------------------------------------------------------------------


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(
        ApplicationsError.INVALID_MANIFEST,
        _("The manifest cannot be imported: %s") % message,
        fields={"file": [message]},
    )


@transaction.atomic
def manifest_job_create(
    *,
    actor: User,
    group: Group,
    upload: UploadedFile,
    mode: str = ManifestMode.KEEP_VALID,
    enqueue: bool = True,
) -> ManifestJob:
    """Accept an uploaded manifest for a group and queue its import (`enqueue=False`:
    the caller runs `manifest_job_run` itself, as the demo seed does).

    The file's type and size, a CSV's header row and an XLSX's zip directory are checked
    now, so a wrong file is refused at once with the reason; the rows (and an XLSX's
    cells) are read only by the background import, within the bounds of
    `manifest_bounds`. An agent has at most MASAR_MANIFEST_IMPORTS_PER_AGENT imports
    queued or running at once."""
    agent = agent_of_actor(actor)
    if group.agent_id != agent.pk:
        raise Forbidden(ApplicationsError.NOT_ALLOWED, _("This group belongs to another agent."))
    if mode not in ManifestMode.values:
        raise ValidationFailed(
            ApplicationsError.INVALID_MANIFEST,
            _("Unknown import mode."),
            fields={"mode": [_("Choose one of: %s") % ", ".join(ManifestMode.values)]},
        )
    name = upload.name or "manifest"
    fmt = manifest_format.format_of(name)
    if fmt is None:
        raise _invalid(_("upload a .csv or .xlsx file."))
    if upload.size is not None and upload.size > manifest_format.MAX_BYTES:
        raise ValidationFailed(
            ApplicationsError.MANIFEST_TOO_LARGE,
            _("The manifest is larger than %d MB.") % (manifest_format.MAX_BYTES // 2**20),
            fields={"file": [_("Split it into smaller files.")]},
        )
    _check_before_queueing(upload, fmt)
    _check_running_imports(agent)
    job = ManifestJob(
        group=group,
        agent=agent,
        uploaded_by=actor,
        original_name=name[-200:],
        format=fmt,
        mode=mode,
        phase=VALIDATE if mode == ManifestMode.ALL_OR_NOTHING else STORE,
        language=(translation.get_language() or "ar")[:5],
    )
    job.file.save(f"{secrets.token_hex(12)}.{fmt}", upload, save=False)
    job.save()
    audit_record(
        actor=actor,
        action="manifest.uploaded",
        target=job,
        details={"group_id": group.pk, "file": job.original_name, "mode": mode, "format": fmt},
    )
    if enqueue:
        _enqueue_on_commit(job.pk)
    return job


# A CSV's header row and first pilgrim are read from this much of the file, at most.
CSV_HEAD_BYTES = 64 * 1024


def _check_before_queueing(upload: UploadedFile, fmt: str) -> None:
    """Bounded checks in the request: nothing here holds more than 64 KiB of the file."""
    upload.seek(0)
    try:
        if fmt == "xlsx":
            xlsx_directory_check(upload.file)  # type: ignore[arg-type]
            return
        head = io.BytesIO(upload.read(CSV_HEAD_BYTES))
        first = next(iter(ManifestReader(head, fmt)), None)
    except (ManifestUnreadable, XlsxRefused) as exc:
        raise _invalid(str(exc)) from None
    finally:
        upload.seek(0)
    if first is None:
        raise _invalid(_("the file has a header row but no pilgrims."))


def _check_running_imports(agent: Agent) -> None:
    """Refuse a new import while the agent has its allowance of imports queued or running
    (the agent's row is locked, so two uploads at once cannot both pass)."""
    Agent.objects.select_for_update().filter(pk=agent.pk).first()
    limit = settings.MASAR_MANIFEST_IMPORTS_PER_AGENT
    running = ManifestJob.objects.filter(
        agent=agent, status__in=(ManifestStatus.QUEUED, ManifestStatus.RUNNING)
    ).count()
    if running >= limit:
        raise Conflict(
            ApplicationsError.TOO_MANY_IMPORTS,
            _("%(n)d manifest imports are already queued or running for this agent.")
            % {"n": running},
            fields={"file": [_("Wait until one of them has finished, then upload again.")]},
        )


def _enqueue_on_commit(job_id: int) -> None:
    from masar.applications.tasks import manifest_import

    transaction.on_commit(lambda: manifest_import.enqueue(job_id=job_id))


# --- The run -------------------------------------------------------------------------


def _is_stale(job: ManifestJob, now: Any, stale_after: timedelta) -> bool:
    return (job.heartbeat_at or job.created_at) < now - stale_after


def manifest_job_run(
    *,
    job_id: int,
    chunk_size: int = CHUNK_ROWS,
    after_chunk: AfterChunk | None = None,
) -> ManifestJob:
    """Import a queued manifest, or go on with an interrupted one from its checkpoint.

    `after_chunk` is called after each committed chunk (progress reporting; the tests
    use it to stop a run at a chosen point, as a crash would)."""
    token = secrets.token_hex(16)
    now = timezone.now()
    with transaction.atomic():
        job = manifest_job_lock(job_id)
        if job.is_finished:
            return job
        if job.status == ManifestStatus.RUNNING and not _is_stale(job, now, manifest_stale_after()):
            return job  # another run is at work on it
        if job.runs >= MAX_RUNS:
            job.status = ManifestStatus.FAILED
            job.error = _("The import stopped after %d attempts.") % MAX_RUNS
            job.finished_at = now
            job.save(update_fields=["status", "error", "finished_at"])
            return job
        job.status = ManifestStatus.RUNNING
        job.run_token = token
        job.runs += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.save(update_fields=["status", "run_token", "runs", "started_at", "heartbeat_at"])
    with (
        translation.override(job.language),
        origin_scope(Origin(channel="task", extra={"manifest_job": job.pk})),
    ):
        try:
            _Import(job, token, chunk_size, after_chunk).run()
        except ManifestUnreadable as exc:
            _fail(job, token, str(exc))
        except _LostJob:
            pass
    job.refresh_from_db()
    return job


class _Import:
    def __init__(
        self, job: ManifestJob, token: str, chunk_size: int, after_chunk: AfterChunk | None
    ) -> None:
        self.job = job
        self.token = token
        self.chunk_size = max(1, chunk_size)
        self.after_chunk = after_chunk
        self.group = Group.objects.select_related(
            "agent__organization", "company__organization", "season"
        ).get(pk=job.group_id)
        self.actor = job.uploaded_by

    def run(self) -> None:
        job = self.job
        if job.total_rows is None:
            with job.file.open("rb") as stream:
                total = manifest_format.count_rows(stream.file, job.format)
            if total > manifest_format.MAX_ROWS:
                raise ManifestUnreadable(
                    f"{total} rows; a manifest has at most {manifest_format.MAX_ROWS}"
                )
            self._update(total_rows=total)
            job.total_rows = total
        if job.phase == VALIDATE:
            self._pass(VALIDATE)
            if job.rejected_rows:
                self._finish()  # all or nothing: nothing is stored
                return
            self._update(phase=STORE, checkpoint_row=0, discarded_rows=0)
            job.phase, job.checkpoint_row, job.discarded_rows = STORE, 0, 0
        self._pass(STORE)
        if job.mode == ManifestMode.ALL_OR_NOTHING and job.rejected_rows:
            self._undo_stored()
        self._finish()

    # Each write of the job's progress holds only while this run owns the job.
    def _update(self, **values: Any) -> None:
        values.setdefault("heartbeat_at", timezone.now())
        owned = ManifestJob.objects.filter(pk=self.job.pk, run_token=self.token)
        if not owned.update(**values):
            raise _LostJob

    def _seen(self, phase: str) -> set[str]:
        """Passports accepted earlier in this job (a later row with one is a duplicate)."""
        job = self.job
        if job.checkpoint_row == 0:
            return set()
        if phase == STORE:
            return {
                passport_key(state, number)
                for state, number in Application.objects.filter(manifest_job=job).values_list(
                    "pilgrim__passport_issuing_state", "pilgrim__passport_number"
                )
            }
        # Validating: nothing is stored yet, so read the rows up to the checkpoint again.
        rejected = set(job.rejections.values_list("row_number", flat=True))
        seen: set[str] = set()
        today = self._today()
        with job.file.open("rb") as stream:
            for index, (number, raw) in enumerate(ManifestReader(stream.file, job.format), 1):
                if index > job.checkpoint_row:
                    break
                if raw and number not in rejected:
                    data, _failures = pilgrim_input_clean(
                        raw, today=today, default_residence=self.group.agent.country
                    )
                    if data is not None:
                        seen.add(passport_key(data.passport_issuing_state, data.passport_number))
        return seen

    def _today(self) -> Any:
        from masar.core.dates import riyadh_today

        return riyadh_today()

    def _pass(self, phase: str) -> None:
        ctx = context_for_group(self.group)
        seen = self._seen(phase)
        job = self.job
        with job.file.open("rb") as stream:
            chunk: list[manifest_format.Row] = []
            index = 0
            for index, row in enumerate(ManifestReader(stream.file, job.format), start=1):
                if index <= job.checkpoint_row:
                    continue
                chunk.append(row)
                if len(chunk) >= self.chunk_size:
                    self._chunk(phase, ctx, seen, chunk, index)
                    chunk = []
            if chunk:
                self._chunk(phase, ctx, seen, chunk, index)

    def _chunk(
        self,
        phase: str,
        ctx: EligibilityContext,
        seen: set[str],
        rows: list[manifest_format.Row],
        last_index: int,
    ) -> None:
        job, group = self.job, self.group
        cleaned: list[tuple[int, dict[str, Any], PilgrimInput | None, list[Failure]]] = []
        for number, raw in rows:
            if not raw:
                continue  # a blank line
            data, failures = pilgrim_input_clean(
                raw, today=ctx.today, default_residence=group.agent.country
            )
            cleaned.append((number, raw, data, failures))
        keys = {
            passport_key(d.passport_issuing_state, d.passport_number)
            for _n, _r, d, _f in cleaned
            if d is not None
        }
        ctx.active_passports = active_passports(keys)
        open_keys = self._open_passports(keys)
        accepted: list[tuple[int, PilgrimInput]] = []
        rejected: list[ManifestRejection] = []
        for number, raw, data, failures in cleaned:
            if data is not None:
                key = passport_key(data.passport_issuing_state, data.passport_number)
                if key in seen:
                    failures.append(
                        Failure(
                            "passport_number",
                            "manifest_duplicate_passport",
                            _("The same passport is on an earlier row of this manifest."),
                        )
                    )
                elif key in open_keys:
                    failures.append(
                        Failure(
                            "passport_number",
                            ApplicationsError.PASSPORT_DUPLICATE.value,
                            _("This passport already has an open application of your agency."),
                        )
                    )
                failures.extend(evaluate(data, ctx, skip=QUOTA_RULES))
            if failures:
                rejected.append(
                    ManifestRejection(
                        job=job,
                        row_number=number,
                        passport_number=manifest_format.as_text(raw.get("passport_number") or "")[
                            :40
                        ],
                        surname=manifest_format.as_text(raw.get("surname") or "")[:120],
                        reasons=[f.as_dict() for f in failures],
                    )
                )
            else:
                assert data is not None
                seen.add(passport_key(data.passport_issuing_state, data.passport_number))
                accepted.append((number, data))
        stored = phase == STORE
        with transaction.atomic():
            owned = ManifestJob.objects.filter(
                pk=job.pk, run_token=self.token, phase=phase, checkpoint_row=job.checkpoint_row
            )
            progressed = owned.update(
                checkpoint_row=last_index,
                heartbeat_at=timezone.now(),
                accepted_rows=models.F("accepted_rows") + (len(accepted) if stored else 0),
                discarded_rows=models.F("discarded_rows") + (0 if stored else len(accepted)),
                rejected_rows=models.F("rejected_rows") + len(rejected),
            )
            if not progressed:
                raise _LostJob
            if stored and accepted:
                self._store(accepted)
            if rejected:
                ManifestRejection.objects.bulk_create(rejected)
            audit_record(
                actor=self.actor,
                action="manifest.chunk_imported" if stored else "manifest.chunk_checked",
                target=job,
                organization=group.agent.organization,
                details={
                    "rows": [rows[0][0], rows[-1][0]],
                    "accepted": len(accepted) if stored else 0,
                    "valid": len(accepted),
                    "rejected": len(rejected),
                },
            )
        job.checkpoint_row = last_index
        if stored:
            job.accepted_rows += len(accepted)
        else:
            job.discarded_rows += len(accepted)
        job.rejected_rows += len(rejected)
        if self.after_chunk is not None:
            self.after_chunk(job)

    def _open_passports(self, keys: set[str]) -> set[str]:
        """Of these passports, those with an open application of this agent outside the job."""
        numbers = {key.split(":", 1)[1] for key in keys}
        found: set[str] = set()
        number_list = sorted(numbers)
        for start in range(0, len(number_list), 900):
            rows = (
                Application.objects.filter(
                    agent_id=self.group.agent_id,
                    status__in=OPEN_STATUSES,
                    pilgrim__passport_number__in=number_list[start : start + 900],
                )
                .exclude(manifest_job=self.job)
                .values_list("pilgrim__passport_issuing_state", "pilgrim__passport_number")
            )
            found.update(passport_key(state, number) for state, number in rows)
        return found & keys

    def _store(self, accepted: list[tuple[int, PilgrimInput]]) -> None:
        group, job = self.group, self.job
        now = timezone.now()
        pilgrims = Pilgrim.objects.bulk_create(
            [
                Pilgrim(agent_id=group.agent_id, created_at=now, **data.model_values())
                for _number, data in accepted
            ]
        )
        Application.objects.bulk_create(
            [
                Application(
                    number=application_number(),
                    group_id=group.pk,
                    pilgrim=pilgrim,
                    agent_id=group.agent_id,
                    company_id=group.company_id,
                    season_id=group.season_id,
                    manifest_job_id=job.pk,
                    manifest_row=number,
                    created_by_id=job.uploaded_by_id,
                    created_at=now,
                    updated_at=now,
                )
                for (number, _data), pilgrim in zip(accepted, pilgrims, strict=True)
            ]
        )

    def _undo_stored(self) -> None:
        """All or nothing, and a row failed while storing (a passport taken meanwhile):
        remove what this job stored, in committed batches, then report it discarded."""
        job = self.job
        while True:
            with transaction.atomic():
                batch = list(
                    Application.objects.filter(manifest_job=job).values_list("pk", "pilgrim_id")[
                        :5000
                    ]
                )
                if not batch:
                    break
                Application.objects.filter(pk__in=[pk for pk, _p in batch]).delete()
                Pilgrim.objects.filter(pk__in=[p for _pk, p in batch]).delete()
                self._update(
                    accepted_rows=models.F("accepted_rows") - len(batch),
                    discarded_rows=models.F("discarded_rows") + len(batch),
                )
        job.refresh_from_db()

    def _finish(self) -> None:
        job = self.job
        now = timezone.now()
        with transaction.atomic():
            self._update(status=ManifestStatus.COMPLETED, finished_at=now)
            job.refresh_from_db()
            details = {
                "total_rows": job.total_rows or 0,
                "accepted_rows": job.accepted_rows,
                "rejected_rows": job.rejected_rows,
                "discarded_rows": job.discarded_rows,
                "runs": job.runs,
            }
            audit_record(
                actor=self.actor,
                action="manifest.completed",
                target=job,
                organization=self.group.agent.organization,
                details=details,
            )
            event_emit(
                type="manifest.completed",
                subject=job,
                payload={
                    "job_id": job.pk,
                    "group_id": job.group_id,
                    "agent_id": job.agent_id,
                    "mode": job.mode,
                    "total_rows": job.total_rows or 0,
                    "accepted_rows": job.accepted_rows,
                    "rejected_rows": job.rejected_rows,
                    "finished_at": now,
                },
                organizations=[self.group.agent.organization_id],
            )


def _fail(job: ManifestJob, token: str, message: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        owned = ManifestJob.objects.filter(pk=job.pk, run_token=token)
        if not owned.update(status=ManifestStatus.FAILED, error=message, finished_at=now):
            return
        audit_record(
            actor=job.uploaded_by,
            action="manifest.failed",
            target=job,
            organization=job.agent.organization,
            details={"error": message},
        )
        event_emit(
            type="manifest.failed",
            subject=job,
            payload={
                "job_id": job.pk,
                "group_id": job.group_id,
                "agent_id": job.agent_id,
                "error": message,
            },
            organizations=[job.agent.organization_id],
        )


# --- Resume ----------------------------------------------------------------------------


def _task_waiting(job: ManifestJob, now: Any, stale_after: timedelta) -> bool:
    """Is a task waiting for the job, or running it for less than `stale_after`? A task row
    `RUNNING` for longer is a worker killed between claiming the task and starting the job
    (SIGKILL, a lost machine): it stays `RUNNING` for good and must not hold the job."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(
            task_path="masar.applications.tasks.manifest_import",
            args_kwargs__kwargs__job_id=job.pk,
        )
        .filter(
            models.Q(status="READY") | models.Q(status="RUNNING", started_at__gte=now - stale_after)
        )
        .exists()
    )


def manifest_jobs_resume(
    *,
    actor: User | None = None,
    job_id: int | None = None,
    stale_after: timedelta | None = None,
    force: bool = False,
) -> list[int]:
    """Queue again every import whose worker stopped: running without a heartbeat for
    `stale_after`, or queued with no task waiting for it. With `job_id` and `force`, that
    job is queued again at once. Returns the ids queued; each goes on from its checkpoint."""
    now = timezone.now()
    stale_after = manifest_stale_after() if stale_after is None else stale_after
    candidates = ManifestJob.objects.filter(
        status__in=[ManifestStatus.RUNNING, ManifestStatus.QUEUED]
    )
    if job_id is not None:
        candidates = candidates.filter(pk=job_id)
        if not candidates.exists():
            raise NotFound(
                ApplicationsError.JOB_NOT_RESUMABLE,
                _("No unfinished manifest import has this id."),
            )
    resumed: list[int] = []
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            job = manifest_job_lock(pk)
            if job.is_finished:
                continue
            stale = _is_stale(job, now, stale_after)
            if job.status == ManifestStatus.QUEUED:
                wanted = force or (stale and not _task_waiting(job, now, stale_after))
            else:
                wanted = force or stale
            if not wanted:
                continue
            job.status = ManifestStatus.QUEUED
            job.run_token = ""
            job.heartbeat_at = now
            job.save(update_fields=["status", "run_token", "heartbeat_at"])
            audit_record(
                actor=actor,
                action="manifest.resumed",
                target=job,
                organization=job.agent.organization,
                details={"checkpoint_row": job.checkpoint_row, "phase": job.phase},
            )
            _enqueue_on_commit(job.pk)
            resumed.append(job.pk)
    return resumed


# --- Report ----------------------------------------------------------------------------


def manifest_report_lines(job: ManifestJob) -> Iterator[manifest_format.ReportLine]:
    """Every row's outcome, in row order: accepted rows with their application number,
    rejected rows with every reason. Streams from the database in batches."""
    accepted_label = "accepted"
    rejected_label = "rejected"

    def accepted() -> Iterator[manifest_format.ReportLine]:
        rows = (
            Application.objects.filter(manifest_job=job)
            .order_by("manifest_row")
            .values_list("manifest_row", "number", "pilgrim__passport_number", "pilgrim__surname")
        )
        for row, number, passport, surname in rows.iterator(chunk_size=5000):
            yield (row or 0, accepted_label, number, passport, surname, "")

    def rejected() -> Iterator[manifest_format.ReportLine]:
        rows = job.rejections.order_by("row_number").values_list(
            "row_number", "passport_number", "surname", "reasons"
        )
        for row, passport, surname, reasons in rows.iterator(chunk_size=5000):
            yield (
                row,
                rejected_label,
                "",
                passport,
                surname,
                manifest_format.reasons_text(reasons),
            )

    return merge(accepted(), rejected(), key=lambda line: line[0])
