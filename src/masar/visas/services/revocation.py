"""Revoking e-visas (a visa officer's cancellation, the lapse of a visa not used for entry
within its validity), the signed revocation list, and verification against it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications.lock_objects import application_lock
from masar.applications.services.transitions import application_transition
from masar.applications.states import ApplicationStatus
from masar.core.audit import audit_record
from masar.core.errors import Conflict, NotFound, ValidationFailed
from masar.integration.services import event_emit
from masar.visas.error_codes import VisasError
from masar.visas.keys import settings_key_store
from masar.visas.models import REVOKED_STATUSES, CancelReason, Visa, VisaStatus
from masar.visas.seal import (
    RevocationList,
    RevokedVisa,
    SealVerification,
    kingdom_today,
    revocation_list_build,
    seal_verify,
)
from masar.visas.services.common import require_visa_officer
from masar.visas.services.issuance import _signer

LAPSED = "lapsed"
CANCELLED = "cancelled"
# How long a published revocation list is good for (its next_update).
REVOCATION_LIST_HOURS = 24


def _revoked_event(visa: Visa, reason: str) -> None:
    event_emit(
        type="visa.revoked",
        subject=visa,
        payload={
            "visa_number": visa.number,
            "application_id": visa.application_id,
            "season_id": visa.season_id,
            "company_id": visa.company_id,
            "agent_id": visa.agent_id,
            "reason": reason,
            "reason_code": visa.cancel_reason_code,
            "revoked_at": visa.revoked_at.isoformat() if visa.revoked_at else None,
        },
        organizations=[visa.agent.organization_id, visa.company.organization_id],
    )


def visa_cancel_reason_check(reason_code: str, reason: str) -> str:
    """The reason a cancellation records; refuses a missing or unknown coded reason and
    'other' without an explanation (there is no default reason)."""
    reason = reason.strip()
    if reason_code not in CancelReason.values:
        raise ValidationFailed(
            VisasError.INVALID_REASON_CODE,
            _("A cancellation needs one of the coded reasons."),
            fields={"reason_code": [_("Choose the reason for the cancellation.")]},
        )
    if reason_code == CancelReason.OTHER and not reason:
        raise ValidationFailed(
            VisasError.REASON_REQUIRED,
            _("Explain the cancellation."),
            fields={"reason": [_("This field is required for the reason 'other'.")]},
        )
    return reason or str(CancelReason(reason_code).label)


@transaction.atomic
def visa_cancel(*, actor: User, number: str, reason_code: str, reason: str = "") -> Visa:
    """A visa officer cancels a valid visa with a coded reason: the application is
    cancelled and the seal goes on the revocation list."""
    require_visa_officer(actor)
    reason = visa_cancel_reason_check(reason_code, reason)
    application_id = (
        Visa.objects.filter(number=number).values_list("application_id", flat=True).first()
    )
    if application_id is None:
        raise NotFound(VisasError.VISA_NOT_FOUND, _("No such visa."))
    app = application_lock(application_id)  # the application first, as every writer does
    visa = Visa.objects.select_for_update().select_related("agent", "company").get(number=number)
    if visa.status != VisaStatus.VALID:
        raise Conflict(
            VisasError.VISA_NOT_VALID,
            _("This visa is already %(status)s.") % {"status": visa.get_status_display()},
            fields={"status": [visa.status]},
        )
    if app.status not in (ApplicationStatus.ISSUED, ApplicationStatus.APPROVED):
        raise Conflict(
            VisasError.VISA_NOT_VALID,
            _("The holder has already used this visa."),
            fields={"status": [app.status]},
        )
    now = timezone.now()
    visa.status = VisaStatus.CANCELLED
    visa.revoked_at = now
    visa.revoked_by = actor
    visa.cancel_reason_code = reason_code
    visa.cancel_reason = reason
    visa.save(
        update_fields=["status", "revoked_at", "revoked_by", "cancel_reason_code", "cancel_reason"]
    )
    application_transition(
        actor=actor,
        application=app,
        name="cancel",
        reason=reason,
        details={"visa_number": visa.number, "reason_code": reason_code},
        payload={"visa_number": visa.number, "reason_code": reason_code},
    )
    audit_record(
        actor=actor,
        action="visa.cancel",
        target=visa,
        details={"reason_code": reason_code, "reason": reason},
    )
    _revoked_event(visa, CANCELLED)
    return visa


def visas_lapse(*, as_of: dt.date | None = None) -> list[str]:
    """Every valid visa whose validity ended before `as_of` (default: today in the kingdom)
    and whose holder did not enter lapses: one UPDATE of the visas, the applications move
    to `expired`. Idempotent: a second run finds nothing. Returns the lapsed numbers."""
    day = as_of or kingdom_today()
    with transaction.atomic():
        candidates = list(
            Visa.objects.select_for_update(of=("self",))
            .filter(status=VisaStatus.VALID, valid_until__lt=day)
            .filter(application__status=ApplicationStatus.ISSUED)
            .select_related("agent", "company")
            .order_by("application_id")
        )
        if not candidates:
            return []
        now = timezone.now()
        Visa.objects.filter(pk__in=[v.pk for v in candidates]).update(
            status=VisaStatus.LAPSED, revoked_at=now
        )
        for visa in candidates:
            visa.status = VisaStatus.LAPSED
            visa.revoked_at = now
            app = application_lock(visa.application_id)
            application_transition(
                actor=None,
                application=app,
                name="expire",
                reason=_("The visa was not used for entry within its validity."),
                details={"visa_number": visa.number, "as_of": day.isoformat()},
                payload={"visa_number": visa.number},
            )
            _revoked_event(visa, LAPSED)
        audit_record(
            actor=None,
            action="visas.lapse",
            target=("visas.visa", "bulk"),
            details={
                "as_of": day.isoformat(),
                "count": len(candidates),
                "visas": [v.number for v in candidates],
            },
        )
        return [v.number for v in candidates]


def revoked_visas() -> list[RevokedVisa]:
    rows = (
        Visa.objects.filter(status__in=REVOKED_STATUSES, revoked_at__isnull=False)
        .order_by("number")
        .values_list("number", "revoked_at")
    )
    return [RevokedVisa(number, at) for number, at in rows if at is not None]


def revocation_list_bytes(*, now: dt.datetime | None = None) -> bytes:
    """The signed revocation list of every cancelled or lapsed visa (for offline checks)."""
    moment = now or timezone.now()
    return revocation_list_build(
        revoked_visas(),
        signer=_signer(),
        issued_at=moment,
        next_update=moment + dt.timedelta(hours=REVOCATION_LIST_HOURS),
    )


def _revocation_list(entries: Sequence[RevokedVisa]) -> RevocationList:
    signer = _signer()
    return RevocationList(
        issuing_country=signer.issuing_country,
        issued_at=timezone.now(),
        next_update=None,
        signer_identifier=signer.signer_identifier,
        certificate_reference=signer.certificate_reference,
        entries=tuple(entries),
    )


def seal_check(seal: bytes | str, *, today: dt.date | None = None) -> SealVerification:
    """Verify a seal as an offline verifier would: against the published certificates and
    the current revocations (read from the database, so a revocation counts at once)."""
    return seal_verify(
        seal,
        trust=settings_key_store().trust_store(),
        revocations=_revocation_list(revoked_visas()),
        today=today,
    )


__all__ = ["revocation_list_bytes", "seal_check", "visa_cancel", "visas_lapse"]
