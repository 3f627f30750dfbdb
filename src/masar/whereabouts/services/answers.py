"""The company's answer to a whereabouts alert: found, moved (with a reason) or absconded
(an absconding report, which raises a compliance violation as an overstay does)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from masar.integration.services import event_emit
from masar.whereabouts.error_codes import WhereaboutsError
from masar.whereabouts.models import AlertAnswer, AlertStatus, WhereaboutsAlert

ANSWERERS = (Role.COMPANY_STAFF, Role.SUPERVISOR, Role.INTEGRATION)
REASON_MAX = 2000


def can_answer(actor: object) -> bool:
    """Company staff, its supervisors and its systems answer for the company's pilgrims."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        return False
    org = actor.organization
    return bool(
        org is not None and org.kind == OrganizationKind.COMPANY and actor.has_role(*ANSWERERS)
    )


def _lock(alert_id: int) -> WhereaboutsAlert:
    return (
        WhereaboutsAlert.objects.select_for_update(of=("self",))
        .select_related("company__organization", "agent__organization")
        .get(pk=alert_id)
    )


@transaction.atomic
def alert_answer(
    *, actor: User, alert: WhereaboutsAlert | int, answer: str, reason: str = ""
) -> WhereaboutsAlert:
    """The company answers an open (or escalated) alert about one of its pilgrims. `moved`
    needs a reason; `absconded` raises the compliance violation for the company (and its
    agent, as the season's schedule says) and recomputes its ladder. The answer time is
    kept, `late` when after the deadline (or once escalated)."""
    if not can_answer(actor):
        raise Forbidden(
            WhereaboutsError.NOT_ALLOWED, _("Only the pilgrim's company answers an alert.")
        )
    alert_id = alert if isinstance(alert, int) else alert.pk
    try:
        locked = _lock(alert_id)
    except WhereaboutsAlert.DoesNotExist:
        raise NotFound(WhereaboutsError.ALERT_NOT_FOUND, _("No such alert.")) from None
    if locked.company.organization_id != actor.organization_id:
        raise NotFound(WhereaboutsError.ALERT_NOT_FOUND, _("No such alert."))
    reason = (reason or "").strip()
    if answer not in AlertAnswer.values:
        raise ValidationFailed(
            WhereaboutsError.INVALID_ANSWER,
            _("Choose an answer: found, moved or absconded."),
            fields={"answer": [_("Not one of the answers.")]},
        )
    if answer == AlertAnswer.MOVED and not reason:
        raise ValidationFailed(
            WhereaboutsError.REASON_REQUIRED,
            _("Say where the pilgrim moved and why."),
            fields={"reason": [_("A reason is required when the pilgrim moved.")]},
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            WhereaboutsError.INVALID_ANSWER,
            _("The reason is too long."),
            fields={"reason": [_("At most %(n)d characters.") % {"n": REASON_MAX}]},
        )
    if locked.status == AlertStatus.ANSWERED:
        raise Conflict(WhereaboutsError.ALREADY_ANSWERED, _("This alert was already answered."))
    if locked.status == AlertStatus.CLOSED:
        raise Conflict(WhereaboutsError.ALERT_CLOSED, _("This alert is closed; no answer is due."))
    now = timezone.now()
    locked.answer = answer
    locked.answer_reason = reason
    locked.answered_by = actor
    locked.answered_at = now
    # Escalated means a sweep found the deadline passed, whatever this clock says.
    locked.answered_late = now > locked.deadline or locked.status == AlertStatus.ESCALATED
    locked.status = AlertStatus.ANSWERED
    fields = ["answer", "answer_reason", "answered_by", "answered_at", "answered_late", "status"]
    if answer == AlertAnswer.ABSCONDED:
        from masar.compliance.services import violation_raise_absconded

        violation = violation_raise_absconded(
            season_id=locked.season_id,
            company=locked.company,
            agent=locked.agent,
            application_id=locked.application_id,
            nationality=locked.nationality,
            occurred_on=timezone.localdate(now),
            description=reason or _("Reported absconded by the company."),
        )
        locked.violation_ref = violation.pk
        fields.append("violation_ref")
    locked.save(update_fields=fields)
    payload = {
        "alert_id": locked.pk,
        "application_id": locked.application_id,
        "kind": locked.kind,
        "company_id": locked.company_id,
        "agent_id": locked.agent_id,
        "season_id": locked.season_id,
        "answer": answer,
        "reason": reason,
        "answered_at": now,
        "late": locked.answered_late,
        "violation_id": locked.violation_ref,
    }
    audit_record(
        actor=actor,
        action="whereabouts_alert.answer",
        target=locked,
        organization=locked.company.organization,
        details=payload,
    )
    event_emit(
        type="whereabouts_alert.answered",
        subject=locked,
        payload=payload,
        organizations=[locked.agent.organization_id, locked.company.organization_id],
    )
    return locked
