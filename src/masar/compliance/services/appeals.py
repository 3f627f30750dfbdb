"""Appeals: a company appeals a violation or a penalty; a ministry reviewer upholds,
reduces or cancels it; the ladder is recomputed."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import (
    Appeal,
    AppealFile,
    AppealStatus,
    NoticeKind,
    Penalty,
    PenaltyStatus,
    PenaltyStep,
    Violation,
    ViolationStatus,
)
from masar.compliance.services.common import (
    company_of_actor,
    money,
    notice_issue,
    require_reviewer,
)
from masar.compliance.services.ladder import _lock_company, ladder_recompute, penalty_lift_locked
from masar.compliance.services.money import invoices_adjust
from masar.compliance.services.violations import MAX_EVIDENCE_BYTES
from masar.core.audit import audit_record
from masar.core.errors import Conflict, NotFound, ValidationFailed
from masar.integration.services import event_emit

DECISIONS = (AppealStatus.UPHELD, AppealStatus.REDUCED, AppealStatus.CANCELLED)


def _appeal_payload(appeal: Appeal) -> dict[str, object]:
    return {
        "appeal_id": appeal.pk,
        "company_id": appeal.company_id,
        "violation_id": appeal.violation_id,
        "penalty_id": appeal.penalty_id,
    }


@transaction.atomic
def appeal_file(
    *,
    actor: User,
    statement: str,
    violation: Violation | None = None,
    penalty: Penalty | None = None,
    files: Iterable[UploadedFile] = (),
) -> Appeal:
    """A company appeals one of its violations or penalties, with a statement and files."""
    company = company_of_actor(actor)
    if (violation is None) == (penalty is None):
        raise ValidationFailed(
            ComplianceError.NOT_APPEALABLE, _("Appeal either a violation or a penalty.")
        )
    if not statement.strip():
        raise ValidationFailed(
            ComplianceError.NOT_APPEALABLE,
            _("An appeal needs a statement."),
            fields={"statement": [_("Required.")]},
        )
    uploads = list(files)
    for f in uploads:
        if (f.size or 0) > MAX_EVIDENCE_BYTES:
            raise ValidationFailed(
                ComplianceError.INVALID_FILE,
                _("A file may not exceed 10 MB."),
                fields={"files": [_("Too large: %s") % f.name]},
            )
    _lock_company(company.pk)
    if violation is not None:
        subject = Violation.objects.select_for_update(of=("self",)).filter(pk=violation.pk).first()
        if subject is None or subject.company_id != company.pk:
            raise NotFound(ComplianceError.NOT_FOUND, _("No such violation."))
        if subject.status not in (ViolationStatus.OPEN,):
            raise Conflict(
                ComplianceError.ALREADY_APPEALED,
                _("This violation is already appealed or decided."),
            )
    else:
        assert penalty is not None
        p = Penalty.objects.select_for_update(of=("self",)).filter(pk=penalty.pk).first()
        if p is None or p.company_id != company.pk:
            raise NotFound(ComplianceError.NOT_FOUND, _("No such penalty."))
        if p.status != PenaltyStatus.ACTIVE or p.appeals.exists():
            raise Conflict(
                ComplianceError.ALREADY_APPEALED,
                _("This penalty is not active or is already appealed."),
            )
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                company=company,
                violation=violation,
                penalty=penalty,
                statement=statement,
                filed_by=actor,
                filed_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict(
            ComplianceError.ALREADY_APPEALED, _("An appeal of this is already pending.")
        ) from exc
    for f in uploads:
        AppealFile.objects.create(appeal=appeal, file=f, name=f.name or "")
    if violation is not None:
        Violation.objects.filter(pk=violation.pk).update(status=ViolationStatus.APPEALED)
    audit_record(
        actor=actor,
        action="appeal.filed",
        target=appeal,
        organization=company.organization,
        details={**_appeal_payload(appeal), "files": [f.name for f in uploads]},
    )
    event_emit(
        type="appeal.filed",
        subject=appeal,
        payload=_appeal_payload(appeal),
        organizations=[company.organization_id],
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *,
    actor: User,
    appeal: Appeal,
    decision: str,
    reason: str,
    fine_sar: Decimal | None = None,
    points: int | None = None,
) -> Appeal:
    """A ministry reviewer decides: `upheld` (nothing changes), `reduced` (a violation's fine
    and points go down to the figures given), `cancelled` (the violation no longer counts,
    its fines are cancelled and guarantee draws restored; a penalty is lifted). The ladder
    is recomputed in the same transaction."""
    require_reviewer(actor)
    if decision not in DECISIONS:
        raise ValidationFailed(
            ComplianceError.INVALID_DECISION,
            _("Decide upheld, reduced or cancelled."),
            fields={"decision": [_("One of: %s") % ", ".join(DECISIONS)]},
        )
    if not reason.strip():
        raise ValidationFailed(
            ComplianceError.INVALID_DECISION,
            _("A decision needs a reason."),
            fields={"reason": [_("Required.")]},
        )
    company = _lock_company(appeal.company_id)
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
    if appeal.status != AppealStatus.PENDING:
        raise Conflict(ComplianceError.APPEAL_DECIDED, _("This appeal is already decided."))
    season = None
    if appeal.violation_id is not None:
        violation = Violation.objects.select_for_update(of=("self",)).get(pk=appeal.violation_id)
        season = violation.season
        if decision == AppealStatus.REDUCED:
            if fine_sar is None or points is None:
                raise ValidationFailed(
                    ComplianceError.INVALID_DECISION,
                    _("A reduction names the new fine and points."),
                    fields={
                        key: [_("Required.")]
                        for key, value in (("fine_sar", fine_sar), ("points", points))
                        if value is None
                    },
                )
            if (
                fine_sar < 0
                or fine_sar > violation.fine_sar
                or points < 0
                or points > violation.points
            ):
                raise ValidationFailed(
                    ComplianceError.INVALID_DECISION,
                    _("A reduction cannot raise the fine or the points, nor go below zero."),
                    fields={"fine_sar": [_("Between 0 and %s.") % money(violation.fine_sar)]},
                )
            violation.fine_sar, violation.points = fine_sar, points
            violation.status = ViolationStatus.REDUCED
            invoices_adjust(violation_id=violation.pk, fine_sar=fine_sar, reason=reason)
            appeal.reduced_fine_sar, appeal.reduced_points = fine_sar, points
        elif decision == AppealStatus.CANCELLED:
            violation.status = ViolationStatus.CANCELLED
            invoices_adjust(violation_id=violation.pk, fine_sar=Decimal("0"), reason=reason)
        else:
            violation.status = ViolationStatus.UPHELD
        violation.save(update_fields=["status", "fine_sar", "points"])
        event_emit(
            type="violation.changed",
            subject=violation,
            payload={
                "violation_id": violation.pk,
                "number": violation.number,
                "company_id": violation.company_id,
                "status": violation.status,
                "fine_sar": money(violation.fine_sar),
                "points": violation.points,
            },
            organizations=[company.organization_id],
        )
    else:
        assert appeal.penalty_id is not None
        penalty = (
            Penalty.objects.select_for_update(of=("self",))
            .select_related("company__organization", "season")
            .get(pk=appeal.penalty_id)
        )
        season = penalty.season
        if decision == AppealStatus.REDUCED:
            raise ValidationFailed(
                ComplianceError.INVALID_DECISION,
                _("A penalty is upheld or cancelled, not reduced."),
                fields={"decision": [_("upheld or cancelled")]},
            )
        if decision == AppealStatus.CANCELLED and penalty.status == PenaltyStatus.ACTIVE:
            if penalty.step == PenaltyStep.CANCELLATION:
                raise Conflict(
                    ComplianceError.PENALTY_NOT_ACTIVE,
                    _("A licence cancellation is final; a new licence is a licensing matter."),
                )
            penalty_lift_locked(
                penalty=penalty, reason=reason, actor=actor, status=PenaltyStatus.CANCELLED
            )
    appeal.status = decision
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.decision_reason = reason
    appeal.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "reduced_fine_sar",
            "reduced_points",
        ]
    )
    audit_record(
        actor=actor,
        action="appeal.decided",
        target=appeal,
        organization=company.organization,
        details={
            **_appeal_payload(appeal),
            "decision": decision,
            "reason": reason,
            "fine_sar": money(fine_sar) if fine_sar is not None else None,
            "points": points,
        },
    )
    event_emit(
        type="appeal.decided",
        subject=appeal,
        payload={**_appeal_payload(appeal), "decision": decision, "reason": reason},
        organizations=[company.organization_id],
    )
    decision_label = AppealStatus(decision).label
    notice_issue(
        company=company,
        season=season,
        kind=NoticeKind.APPEAL,
        violation=appeal.violation,
        penalty=appeal.penalty,
        subject=lambda: (
            _("Your appeal is decided: %(decision)s") % {"decision": str(decision_label)}
        ),
        body=lambda: _("Reason: %(reason)s") % {"reason": reason},
    )
    if season is not None:
        ladder_recompute(season=season, company=company)
    return appeal
