"""Issuing e-visas: number with a check digit, validity and stay from the season's rules,
the visa's MRV-A MRZ and its signed seal, in the transaction that moves the application
from `approved` to `issued`.

`visas_issue` issues many applications in one transaction (one lock of the number
counter, one INSERT of the visas); the background task and the group job call it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications.models import Application, ApplicationTransition
from masar.applications.services.transitions import _after_commit
from masar.applications.states import ACTIVE_STATUSES, TRANSITIONS, ApplicationStatus
from masar.core.audit import audit_record
from masar.core.bulk import ids_reserve, rows_insert, uses_copy
from masar.core.errors import Conflict, NotFound, Unprocessable
from masar.documents import generate_mrva
from masar.documents.checkdigit import check_digit
from masar.integration.services.outbox import events_emit_bulk
from masar.seasons.models import Season, SeasonRules
from masar.visas.error_codes import VisasError
from masar.visas.keys import KeyStoreError, settings_key_store
from masar.visas.models import (
    IssuanceJob,
    IssuanceJobStatus,
    Visa,
    VisaNumberCounter,
    VisaStatus,
    VisaType,
)
from masar.visas.seal import (
    MULTIPLE_ENTRIES,
    SealSigner,
    StayDuration,
    VisaFeatures,
    kingdom_today,
    seal_build,
)
from masar.visas.services.common import require_visa_officer

ISSUING_STATE = "SAU"
# Visa type codes in the seal (ADR 0051 defines 1 and 2; 3 is Masar's visit visa).
SEAL_VISA_TYPES = {VisaType.UMRAH: 1, VisaType.HAJJ: 2, VisaType.VISIT: 3}
# Applications issued per transaction by the group job (and the benchmark).
CHUNK = 1000


def visa_number_format(serial: int) -> str:
    """Eight digits of serial and the Doc 9303 check digit: nine characters, the size of
    the MRZ document-number field, so the number never overflows into optional data."""
    digits = f"{serial:08d}"
    if len(digits) != 8:
        raise ValueError("the visa number serial is exhausted")
    return digits + check_digit(digits)


def visa_number_valid(number: str) -> bool:
    return len(number) == 9 and number.isdigit() and check_digit(number[:8]) == number[8]


def _numbers_allocate(count: int) -> list[str]:
    counter, _created = VisaNumberCounter.objects.select_for_update().get_or_create(pk=1)
    first = counter.next_serial
    VisaNumberCounter.objects.filter(pk=1).update(next_serial=F("next_serial") + count)
    return [visa_number_format(serial) for serial in range(first, first + count)]


def _signer() -> SealSigner:
    try:
        return settings_key_store().current_signer()
    except KeyStoreError as exc:
        raise Unprocessable(
            VisasError.KEYS_MISSING,
            _("The visa signing keys are not set up (masar visa keys init)."),
        ) from exc


def visa_window(rules: SeasonRules, last_entry: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The validity window of a visa issued today: the season's validity days, never past
    the season's last entry date."""
    valid_until = min(today + dt.timedelta(days=rules.visa_validity_days - 1), last_entry)
    return today, valid_until


@dataclass(frozen=True, slots=True)
class _Terms:
    """What every visa of one season issued today shares."""

    season: Season
    rules: SeasonRules
    visa_type: VisaType
    valid_from: dt.date
    valid_until: dt.date


def _terms(season: Season, today: dt.date) -> _Terms:
    if season.last_entry_date < today:
        raise Unprocessable(
            VisasError.ENTRY_CLOSED,
            _("The season's last entry date has passed: no visa can be issued."),
        )
    rules = SeasonRules.objects.get_or_create(season=season)[0]
    valid_from, valid_until = visa_window(rules, season.last_entry_date, today)
    return _Terms(season, rules, VisaType(season.kind), valid_from, valid_until)


def _build(
    app: Application,
    number: str,
    signer: SealSigner,
    today: dt.date,
    now: dt.datetime,
    rules_by_season: dict[int, SeasonRules],
) -> Visa:
    """One visa (unsaved) for an application: the benchmark's baseline builds its features
    with it. Issuance itself goes through `_seal` on plain rows."""
    season = app.season
    terms = _terms(season, today)
    rules_by_season[season.pk] = terms.rules
    pilgrim = app.pilgrim
    row = _Row(
        app.pk,
        app.status,
        app.number,
        app.group_id,
        app.agent_id,
        app.company_id,
        app.season_id,
        app.agent.organization_id,
        app.company.organization_id,
        pilgrim.surname,
        pilgrim.given_names,
        pilgrim.nationality,
        pilgrim.birth_date,
        pilgrim.sex,
        pilgrim.passport_number,
    )
    mrz, seal = _seal(row, number, terms, signer, today)
    visa = _visa(0, number, row, terms, mrz, seal, signer, now)
    visa.pk = None
    visa.application = app
    return visa


class _Row(NamedTuple):
    """A locked approved application, with what its visa needs (no model instances)."""

    pk: int
    status: str
    number: str
    group_id: int
    agent_id: int
    company_id: int
    season_id: int
    agent_organization_id: int
    company_organization_id: int
    surname: str
    given_names: str
    nationality: str
    birth_date: dt.date
    sex: str
    passport_number: str


_ROW_FIELDS = (
    "pk",
    "status",
    "number",
    "group_id",
    "agent_id",
    "company_id",
    "season_id",
    "agent__organization_id",
    "company__organization_id",
    "pilgrim__surname",
    "pilgrim__given_names",
    "pilgrim__nationality",
    "pilgrim__birth_date",
    "pilgrim__sex",
    "pilgrim__passport_number",
)

# The visa table's columns as issuance writes them, in `_visa_values` order.
_VISA_FIELDS = (
    "id",
    "number",
    "application_id",
    "season_id",
    "company_id",
    "agent_id",
    "visa_type",
    "status",
    "entries",
    "valid_from",
    "valid_until",
    "stay_days",
    "mrz_line1",
    "mrz_line2",
    "seal",
    "signer_identifier",
    "certificate_reference",
    "issued_at",
    "cancel_reason_code",
    "cancel_reason",
)
_LOG_FIELDS = (
    "application_id",
    "name",
    "from_status",
    "to_status",
    "actor_id",
    "reason",
    "details",
    "at",
)


def _seal(
    row: _Row, number: str, terms: _Terms, signer: SealSigner, today: dt.date
) -> tuple[tuple[str, str], bytes]:
    """The visa's MRV-A MRZ and its signed seal."""
    rules = terms.rules
    mrz = generate_mrva(
        issuing_state=ISSUING_STATE,
        surname=row.surname,
        given_names=row.given_names,
        document_number=number,
        nationality=row.nationality,
        birth_date=row.birth_date,
        sex=row.sex,
        expiry_date=terms.valid_until,
        optional_data=row.passport_number,
    )
    features = VisaFeatures(
        mrz=mrz,
        passport_number=row.passport_number,
        duration_of_stay=StayDuration(days=rules.max_stay_days),
        number_of_entries=rules.visa_entries,
        visa_number=number,
        valid_from=terms.valid_from,
        valid_until=terms.valid_until,
        visa_type=SEAL_VISA_TYPES[terms.visa_type],
    )
    return mrz, seal_build(features, signer=signer, issued_on=today, signed_on=today)


def _visa_values(
    visa_id: int | None,
    number: str,
    row: _Row,
    terms: _Terms,
    mrz: tuple[str, str],
    seal: bytes,
    signer: SealSigner,
    now: dt.datetime,
) -> tuple[object, ...]:
    return (
        visa_id,
        number,
        row.pk,
        row.season_id,
        row.company_id,
        row.agent_id,
        terms.visa_type.value,
        VisaStatus.VALID.value,
        terms.rules.visa_entries,
        terms.valid_from,
        terms.valid_until,
        terms.rules.max_stay_days,
        mrz[0],
        mrz[1],
        seal,
        signer.signer_identifier,
        signer.certificate_reference,
        now,
        "",
        "",
    )


def _visa(
    visa_id: int,
    number: str,
    row: _Row,
    terms: _Terms,
    mrz: tuple[str, str],
    seal: bytes,
    signer: SealSigner,
    now: dt.datetime,
) -> Visa:
    values = _visa_values(visa_id, number, row, terms, mrz, seal, signer, now)
    return Visa(**dict(zip(_VISA_FIELDS, values, strict=True)))


def _issued_payload(number: str, row: _Row, terms: _Terms, now_text: str) -> dict[str, object]:
    entries = terms.rules.visa_entries
    return {
        "visa_number": number,
        "application_id": row.pk,
        "application_number": row.number,
        "season_id": row.season_id,
        "company_id": row.company_id,
        "agent_id": row.agent_id,
        "visa_type": terms.visa_type.value,
        "valid_from": terms.valid_from.isoformat(),
        "valid_until": terms.valid_until.isoformat(),
        "stay_days": terms.rules.max_stay_days,
        "entries": entries if entries != MULTIPLE_ENTRIES else 0,
        "issued_at": now_text,
    }


_ISSUE = TRANSITIONS["issue"]
# The set-based `issue` below writes status, reason and timestamps only: right while the
# transition keeps the passport lock (both ends active) and gives no quota back.
if not (
    _ISSUE.target in ACTIVE_STATUSES
    and set(_ISSUE.sources) <= ACTIVE_STATUSES
    and not _ISSUE.releases_quota
):
    raise ImproperlyConfigured("visas: the `issue` transition changed; revisit `_issue`")


@dataclass(frozen=True, slots=True)
class _Issued:
    """What one issuance transaction wrote: enough to rebuild the visas without a query."""

    ids: list[int]
    numbers: list[str]
    rows: list[_Row]
    terms: dict[int, _Terms]
    mrzs: list[tuple[str, str]]
    seals: list[bytes]
    signer: SealSigner
    now: dt.datetime


def _issue(*, actor: User | None, application_ids: Iterable[int]) -> _Issued | None:
    """Issue the visas of the listed applications still `approved`, set-based, in the
    caller's transaction: one locking read, one pass building every MRZ and seal, one
    COPY (or bulk INSERT) each of the visas and of the transition log, one UPDATE of the
    applications, one audit entry, and each event type in one bulk write."""
    ids = sorted(set(application_ids))
    locked = (
        Application.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list(*_ROW_FIELDS)
    )
    rows = [r for r in map(_Row._make, locked) if r.status == ApplicationStatus.APPROVED]
    if not rows:
        return None
    issued = _visas_store(rows)
    numbers, terms, now = issued.numbers, issued.terms, issued.now
    # The applications move set-based, as `_transition_many` moves them: one UPDATE, one
    # log write, one audit entry for the batch, one event per application (one write).
    app_ids = [r.pk for r in rows]
    Application.objects.filter(pk__in=app_ids).update(
        status=_ISSUE.target, status_reason="", updated_at=now, **{_ISSUE.timestamp: now}
    )
    actor_id = actor.pk if actor is not None else None
    rows_insert(
        ApplicationTransition,
        _LOG_FIELDS,
        ((r.pk, _ISSUE.name, r.status, _ISSUE.target, actor_id, "", {}, now) for r in rows),
        json_fields=frozenset({"details"}),
    )
    audit_record(
        actor=actor,
        action=f"application.{_ISSUE.name}",
        target=("applications.application", "bulk"),
        details={
            "from": sorted({r.status for r in rows}),
            "to": _ISSUE.target,
            "reason": "",
            "count": len(rows),
            "applications": app_ids,
            "visas": numbers,
        },
    )
    events_emit_bulk(
        type=_ISSUE.event,
        items=(
            (
                ("applications.application", str(r.pk)),
                {
                    "application_id": r.pk,
                    "number": r.number,
                    "group_id": r.group_id,
                    "agent_id": r.agent_id,
                    "company_id": r.company_id,
                    "season_id": r.season_id,
                    "transition": _ISSUE.name,
                    "from": r.status,
                    "to": _ISSUE.target,
                    "reason": "",
                },
                (r.agent_organization_id, r.company_organization_id),
            )
            for r in rows
        ),
    )
    now_text = now.isoformat()
    events_emit_bulk(
        type="visa.issued",
        items=(
            (
                ("visas.visa", str(visa_id)),
                _issued_payload(number, r, terms[r.season_id], now_text),
                (r.agent_organization_id, r.company_organization_id),
            )
            for visa_id, number, r in zip(issued.ids, numbers, rows, strict=True)
        ),
    )
    _after_commit(_ISSUE.name, app_ids)
    return issued


def _visas_store(rows: list[_Row]) -> _Issued:
    """Write the visas of these applications (read and checked by the caller, in its
    transaction): numbers, each MRZ and seal, one COPY (or bulk INSERT) of the visas.
    Nothing else: `_issue` moves the applications; the issuance benchmark times this alone
    as its floor (ADR 0095)."""
    signer = _signer()
    today = kingdom_today()
    now = timezone.now()
    seasons = Season.objects.in_bulk({r.season_id for r in rows})
    terms = {pk: _terms(season, today) for pk, season in seasons.items()}
    numbers = _numbers_allocate(len(rows))
    copy = uses_copy()
    reserved = ids_reserve(Visa, len(rows)) if copy else []
    visa_ids: list[int | None] = list(reserved) if copy else [None] * len(rows)
    mrzs: list[tuple[str, str]] = []
    seals: list[bytes] = []

    def visa_rows() -> Iterator[tuple[object, ...]]:
        # Built while the rows stream out: the server indexes one while the next is signed.
        for visa_id, number, row in zip(visa_ids, numbers, rows, strict=True):
            row_terms = terms[row.season_id]
            mrz, seal = _seal(row, number, row_terms, signer, today)
            mrzs.append(mrz)
            seals.append(seal)
            yield _visa_values(visa_id, number, row, row_terms, mrz, seal, signer, now)

    inserted = rows_insert(Visa, _VISA_FIELDS, visa_rows())
    final_ids = reserved if copy else [int(v.pk) for v in inserted]
    return _Issued(final_ids, numbers, rows, terms, mrzs, seals, signer, now)


@transaction.atomic
def visas_issue(*, actor: User | None, application_ids: Iterable[int]) -> list[Visa]:
    """Issue a visa to every listed application still `approved`; the others are skipped
    (idempotent: a second run issues nothing). Returns the visas issued."""
    issued = _issue(actor=actor, application_ids=application_ids)
    if issued is None:
        return []
    return [
        _visa(
            visa_id, number, row, issued.terms[row.season_id], mrz, seal, issued.signer, issued.now
        )
        for visa_id, number, row, mrz, seal in zip(
            issued.ids, issued.numbers, issued.rows, issued.mrzs, issued.seals, strict=True
        )
    ]


@transaction.atomic
def visas_issue_numbers(*, actor: User | None, application_ids: Iterable[int]) -> list[str]:
    """`visas_issue` for the background job and task: the numbers issued, no instances."""
    issued = _issue(actor=actor, application_ids=application_ids)
    return issued.numbers if issued is not None else []


def visa_issue(*, actor: User | None, application_id: int) -> Visa | None:
    """Issue the visa of one approved application (None when it is not `approved`)."""
    visas = visas_issue(actor=actor, application_ids=[application_id])
    return visas[0] if visas else None


def issuance_enqueue(application_ids: Sequence[int]) -> None:
    """Queue the issuance of these applications once the current transaction commits."""
    transaction.on_commit(partial(issuance_task_enqueue, list(application_ids)), robust=True)


def issuance_task_enqueue(application_ids: list[int]) -> None:
    """Queue the background issuance now (call it after the approvals committed)."""
    from masar.visas.tasks import issue_visas

    issue_visas.enqueue(application_ids=application_ids)


def issuance_pending_ids(*, limit: int = 10_000) -> list[int]:
    """Approved applications still without a visa (the sweep re-queues them)."""
    return list(
        Application.objects.filter(status=ApplicationStatus.APPROVED)
        .order_by("decided_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- Issuance of a whole group in the background -----------------------------------------


@transaction.atomic
def issuance_job_start(*, actor: User, group_id: int) -> IssuanceJob:
    """A visa officer issues every approved application of a group: one background job."""
    require_visa_officer(actor)
    from masar.applications.lock_objects import group_lock
    from masar.applications.models import Group
    from masar.core.audit import audit_record

    try:
        group = group_lock(group_id)
    except Group.DoesNotExist:
        raise NotFound(VisasError.GROUP_NOT_FOUND, _("No such group.")) from None
    if IssuanceJob.objects.filter(
        group=group, status__in=[IssuanceJobStatus.QUEUED, IssuanceJobStatus.RUNNING]
    ).exists():
        raise Conflict(
            VisasError.ISSUANCE_RUNNING, _("This group's visas are already being issued.")
        )
    total = group.applications.filter(status=ApplicationStatus.APPROVED).count()
    job = IssuanceJob.objects.create(group=group, total=total, created_by=actor)
    audit_record(
        actor=actor,
        action="visas.issuance_start",
        target=job,
        details={"group_id": group.pk, "total": total},
    )
    transaction.on_commit(partial(_job_enqueue, job.pk), robust=True)
    return job


def _job_enqueue(job_id: int) -> None:
    from masar.visas.tasks import run_issuance_job

    run_issuance_job.enqueue(job_id=job_id)


def issuance_job_run(*, job_id: int) -> IssuanceJob:
    """Issue the group's approved applications chunk by chunk, recording progress after each
    chunk (idempotent: a finished job is left alone; a restarted one carries on)."""
    with transaction.atomic():
        job = IssuanceJob.objects.select_for_update().get(pk=job_id)
        if job.status == IssuanceJobStatus.DONE:
            return job
        job.status = IssuanceJobStatus.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "started_at"])
    while True:
        ids = list(
            Application.objects.filter(group_id=job.group_id, status=ApplicationStatus.APPROVED)
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            break
        with transaction.atomic():
            issued = visas_issue_numbers(actor=None, application_ids=ids)
            IssuanceJob.objects.filter(pk=job_id).update(issued=F("issued") + len(issued))
        if not issued:
            break
    with transaction.atomic():
        job = IssuanceJob.objects.select_for_update().get(pk=job_id)
        job.status = IssuanceJobStatus.DONE
        job.finished_at = timezone.now()
        job.skipped = max(job.total - job.issued, 0)
        job.save(update_fields=["status", "finished_at", "skipped"])
    return job
