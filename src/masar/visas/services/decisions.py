"""The consular decision: visa officers approve or reject applications waiting in
`decision`, one by one or a filtered selection at once, with a coded reason for a refusal.

Approval (by an officer here, or by the system in screening when the season decides
automatically) queues the visa's issuance once the transaction commits (a hook the visas
app registers with `transition_after_commit`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications.lock_objects import application_lock, applications_lock
from masar.applications.models import Application
from masar.applications.services.transitions import application_transition
from masar.applications.states import ApplicationStatus
from masar.core.errors import Conflict, MasarError, NotFound, ValidationFailed
from masar.visas.error_codes import VisasError
from masar.visas.models import RejectionReason
from masar.visas.services.common import require_visa_officer

APPROVE = "approve"
REJECT = "reject"
DECISIONS = (APPROVE, REJECT)
# The most applications one bulk decision takes (a filtered selection is capped to it).
BULK_LIMIT = 500


@dataclass
class DecisionBatch:
    decided: list[int] = field(default_factory=list)
    refused: dict[int, dict[str, str]] = field(default_factory=dict)


def decision_reason_check(decision: str, reason_code: str, reason: str) -> tuple[str, str]:
    if decision not in DECISIONS:
        raise ValidationFailed(
            VisasError.INVALID_DECISION,
            _("The decision must be approve or reject."),
            fields={"decision": [_("Choose approve or reject.")]},
        )
    reason = reason.strip()
    if decision == APPROVE:
        if reason_code:
            # A refusal reason with "approve" is a contradiction: deciding either way would
            # record something the officer did not mean.
            raise ValidationFailed(
                VisasError.REASON_WITH_APPROVAL,
                _("A refusal reason was chosen with Approve."),
                fields={
                    "reason_code": [_("Choose Refuse to refuse, or clear the refusal reason.")]
                },
            )
        return "", reason
    if reason_code not in RejectionReason.values:
        raise ValidationFailed(
            VisasError.INVALID_REASON_CODE,
            _("A refusal needs one of the coded reasons."),
            fields={"reason_code": [_("Choose the reason for the refusal.")]},
        )
    if reason_code == RejectionReason.OTHER and not reason:
        raise ValidationFailed(
            VisasError.REASON_REQUIRED,
            _("Explain the refusal."),
            fields={"reason": [_("This field is required for the reason 'other'.")]},
        )
    return reason_code, reason or str(RejectionReason(reason_code).label)


def _decide_locked(
    *, actor: User, app: Application, decision: str, reason_code: str, reason: str
) -> Application:
    if app.status != ApplicationStatus.DECISION:
        raise Conflict(
            VisasError.NOT_AWAITING_DECISION,
            _("This application is not awaiting the consular decision."),
            fields={"status": [app.status]},
        )
    details = {"automatic": False}
    if decision == REJECT:
        details["reason_code"] = reason_code  # type: ignore[assignment]
    app.decided_automatically = False
    return application_transition(
        actor=actor,
        application=app,
        name=decision,
        reason=reason,
        details=details,
        payload={"automatic": False, "reason_code": reason_code},
        extra_fields=["decided_automatically"],
    )


@transaction.atomic
def application_decide(
    *,
    actor: User,
    application_id: int,
    decision: str,
    reason_code: str = "",
    reason: str = "",
) -> Application:
    """A visa officer approves or rejects one application awaiting the decision."""
    require_visa_officer(actor)
    reason_code, reason = decision_reason_check(decision, reason_code, reason)
    try:
        app = application_lock(application_id)
    except Application.DoesNotExist:
        raise NotFound(VisasError.APPLICATION_NOT_FOUND, _("No such application.")) from None
    return _decide_locked(
        actor=actor, app=app, decision=decision, reason_code=reason_code, reason=reason
    )


@transaction.atomic
def applications_decide(
    *,
    actor: User,
    application_ids: Iterable[int],
    decision: str,
    reason_code: str = "",
    reason: str = "",
) -> DecisionBatch:
    """The same decision for a selection; each application that cannot take it says why
    and the others are decided (each in its own savepoint)."""
    require_visa_officer(actor)
    reason_code, reason = decision_reason_check(decision, reason_code, reason)
    ids = sorted(set(application_ids))
    if not ids:
        raise ValidationFailed(
            VisasError.NOTHING_SELECTED,
            _("Select at least one application."),
            fields={"application_ids": [_("Select at least one application.")]},
        )
    if len(ids) > BULK_LIMIT:
        raise ValidationFailed(
            VisasError.TOO_MANY_SELECTED,
            _("At most %(limit)d applications at once.") % {"limit": BULK_LIMIT},
            fields={"application_ids": [_("Too many applications selected.")]},
        )
    batch = DecisionBatch()
    found = {app.pk: app for app in applications_lock(ids)}
    for pk in ids:
        app = found.get(pk)
        if app is None:
            batch.refused[pk] = {
                "code": VisasError.APPLICATION_NOT_FOUND,
                "message": _("No such application."),
            }
            continue
        try:
            with transaction.atomic():
                _decide_locked(
                    actor=actor, app=app, decision=decision, reason_code=reason_code, reason=reason
                )
        except MasarError as exc:
            batch.refused[pk] = {"code": exc.code, "message": str(exc.message)}
        else:
            batch.decided.append(pk)
    return batch
