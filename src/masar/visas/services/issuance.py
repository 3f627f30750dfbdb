"""Issuing e-visas: number with a check digit, validity and stay from the season's rules,
the visa's MRV-A MRZ and its signed seal, in the transaction that moves the application
from `approved` to `issued`.

`visas_issue` issues many applications in one transaction (one lock of the number
counter, one INSERT of the visas); the background task and the group job call it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications.lock_objects import applications_lock
from masar.applications.models import Application
from masar.applications.services.transitions import _transition_many
from masar.applications.states import ApplicationStatus
from masar.core.errors import Conflict, NotFound, Unprocessable
from masar.documents import generate_mrva
from masar.documents.checkdigit import check_digit
from masar.integration.services import event_emit
from masar.seasons.models import SeasonRules
from masar.visas.error_codes import VisasError
from masar.visas.keys import KeyStoreError, settings_key_store
from masar.visas.models import (
    IssuanceJob,
    IssuanceJobStatus,
    Visa,
    VisaNumberCounter,
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
# Applications issued per transaction by the group job.
CHUNK = 200


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


def _build(
    app: Application,
    number: str,
    signer: SealSigner,
    today: dt.date,
    now: dt.datetime,
    rules_by_season: dict[int, SeasonRules],
) -> Visa:
    season = app.season
    rules = rules_by_season.get(season.pk)
    if rules is None:
        rules = rules_by_season[season.pk] = SeasonRules.objects.get_or_create(season=season)[0]
    if season.last_entry_date < today:
        raise Unprocessable(
            VisasError.ENTRY_CLOSED,
            _("The season's last entry date has passed: no visa can be issued."),
        )
    valid_from, valid_until = visa_window(rules, season.last_entry_date, today)
    visa_type = VisaType(season.kind)
    pilgrim = app.pilgrim
    mrz = generate_mrva(
        issuing_state=ISSUING_STATE,
        surname=pilgrim.surname,
        given_names=pilgrim.given_names,
        document_number=number,
        nationality=pilgrim.nationality,
        birth_date=pilgrim.birth_date,
        sex=pilgrim.sex,
        expiry_date=valid_until,
        optional_data=pilgrim.passport_number,
    )
    features = VisaFeatures(
        mrz=mrz,
        passport_number=pilgrim.passport_number,
        duration_of_stay=StayDuration(days=rules.max_stay_days),
        number_of_entries=rules.visa_entries,
        visa_number=number,
        valid_from=valid_from,
        valid_until=valid_until,
        visa_type=SEAL_VISA_TYPES[visa_type],
    )
    seal = seal_build(features, signer=signer, issued_on=today, signed_on=today)
    return Visa(
        number=number,
        application=app,
        season=season,
        company_id=app.company_id,
        agent_id=app.agent_id,
        visa_type=visa_type,
        entries=rules.visa_entries,
        valid_from=valid_from,
        valid_until=valid_until,
        stay_days=rules.max_stay_days,
        mrz_line1=mrz[0],
        mrz_line2=mrz[1],
        seal=seal,
        signer_identifier=signer.signer_identifier,
        certificate_reference=signer.certificate_reference,
        issued_at=now,
    )


def _issued_payload(visa: Visa) -> dict[str, object]:
    app = visa.application
    return {
        "visa_number": visa.number,
        "application_id": app.pk,
        "application_number": app.number,
        "season_id": visa.season_id,
        "company_id": visa.company_id,
        "agent_id": visa.agent_id,
        "visa_type": visa.visa_type,
        "valid_from": visa.valid_from.isoformat(),
        "valid_until": visa.valid_until.isoformat(),
        "stay_days": visa.stay_days,
        "entries": visa.entries if visa.entries != MULTIPLE_ENTRIES else 0,
        "issued_at": visa.issued_at.isoformat(),
    }


@transaction.atomic
def visas_issue(*, actor: User | None, application_ids: Iterable[int]) -> list[Visa]:
    """Issue a visa to every listed application still `approved`; the others are skipped
    (idempotent: a second run issues nothing). Returns the visas issued."""
    apps = [a for a in applications_lock(application_ids) if a.status == ApplicationStatus.APPROVED]
    if not apps:
        return []
    signer = _signer()
    today = kingdom_today()
    now = timezone.now()
    numbers = _numbers_allocate(len(apps))
    rules: dict[int, SeasonRules] = {}
    visas = [
        _build(app, number, signer, today, now, rules)
        for app, number in zip(apps, numbers, strict=True)
    ]
    Visa.objects.bulk_create(visas, batch_size=500)
    # The applications move set-based: one UPDATE, one INSERT of the log, one audit entry
    # for the batch and one event per application (the mechanism of bulk transitions).
    _transition_many(
        actor=actor,
        applications=apps,
        name="issue",
        audit_details={"visas": [visa.number for visa in visas]},
    )
    for visa in visas:
        event_emit(
            type="visa.issued",
            subject=visa,
            payload=_issued_payload(visa),
            organizations=[
                visa.application.agent.organization_id,
                visa.application.company.organization_id,
            ],
        )
    return visas


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
            issued = visas_issue(actor=None, application_ids=ids)
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
