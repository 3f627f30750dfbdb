"""The security analyst's decision on a referred application.

* `false_positive` (with a reason): the person is not the one listed. Every hit raised is
  remembered for this person and the entry's current revision, so the same pair is not
  raised again until a new list version changes the entry; the application goes on to the
  consular decision (`referral_clear`).
* `true_match` (with a coded reason): the application is rejected (`referral_reject`) and
  its quota places are given back; the refusal is itself a record later screenings find.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications.lock_objects import application_lock
from masar.applications.services import application_transition
from masar.core.audit import audit_record
from masar.core.errors import Conflict, NotFound, ValidationFailed
from masar.integration.services import event_emit
from masar.screening.access import require_screening_analyst
from masar.screening.error_codes import ScreeningError
from masar.screening.lock_objects import review_lock
from masar.screening.models import (
    Decision,
    FalsePositive,
    HitKind,
    RejectionCode,
    Review,
    ReviewStatus,
)

CLEARED_REASON = "Cleared by security review."


def _check_input(decision: str, reason: str, reason_code: str) -> None:
    if decision not in Decision.values:
        raise ValidationFailed(
            ScreeningError.INVALID_DECISION,
            _("The decision is false_positive or true_match."),
            fields={"decision": [_("Choose false_positive or true_match.")]},
        )
    if decision == Decision.FALSE_POSITIVE and not reason:
        raise ValidationFailed(
            ScreeningError.REASON_REQUIRED,
            _("Say why this is not the person listed."),
            fields={"reason": [_("This field is required.")]},
        )
    if decision == Decision.TRUE_MATCH and reason_code not in RejectionCode.values:
        raise ValidationFailed(
            ScreeningError.REASON_REQUIRED,
            _("A true match needs a coded reason."),
            fields={"reason_code": [_("Choose one of: %s") % ", ".join(RejectionCode.values)]},
        )


def review_decide(
    *,
    actor: User,
    review_id: int,
    decision: str,
    reason: str = "",
    reason_code: str = "",
) -> Review:
    """Decide a pending review (see the module docstring)."""
    require_screening_analyst(actor)
    reason = reason.strip()
    reason_code = reason_code.strip()
    _check_input(decision, reason, reason_code)
    with transaction.atomic():
        try:
            review = review_lock(review_id)
        except Review.DoesNotExist:
            raise NotFound(ScreeningError.REVIEW_NOT_FOUND, _("No such review.")) from None
        if review.status != ReviewStatus.PENDING:
            raise Conflict(
                ScreeningError.REVIEW_DECIDED,
                _("This review was decided already (%(status)s).")
                % {"status": review.get_status_display()},
                fields={"status": [review.status]},
            )
        app = application_lock(review.application_id)
        now = timezone.now()
        raised = list(
            review.screening.hits.filter(suppressed_by__isnull=True).select_related("watchlist")
        )
        remembered = 0
        if decision == Decision.FALSE_POSITIVE:
            application_transition(
                actor=actor,
                application=app,
                name="referral_clear",
                reason=CLEARED_REASON,
                details={"review_id": review.pk},
            )
            for hit in raised:
                if hit.kind == HitKind.WATCHLIST and hit.entry_id is not None:
                    _found, created = FalsePositive.objects.get_or_create(
                        person_key=review.person_key,
                        entry_id=hit.entry_id,
                        entry_revision=hit.entry_revision,
                        defaults={
                            "watchlist_id": hit.watchlist_id,
                            "list_version": hit.list_version,
                            "review": review,
                            "reason": reason,
                            "created_by": actor,
                        },
                    )
                elif hit.kind == HitKind.BAN and hit.ban_id is not None:
                    _found, created = FalsePositive.objects.get_or_create(
                        person_key=review.person_key,
                        ban_id=hit.ban_id,
                        defaults={"review": review, "reason": reason, "created_by": actor},
                    )
                else:
                    continue
                remembered += int(created)
            review.status = ReviewStatus.CLEARED
        else:
            application_transition(
                actor=actor,
                application=app,
                name="referral_reject",
                reason=reason_code,
                details={"review_id": review.pk, "reason_code": reason_code},
            )
            review.status = ReviewStatus.CONFIRMED
        review.decision = decision
        review.reason = reason
        review.reason_code = reason_code if decision == Decision.TRUE_MATCH else ""
        review.decided_by = actor
        review.decided_at = now
        review.save(
            update_fields=[
                "status",
                "decision",
                "reason",
                "reason_code",
                "decided_by",
                "decided_at",
            ]
        )
        waited = int((now - review.opened_at).total_seconds())
        within_sla = now <= review.due_at
        audit_record(
            actor=actor,
            action="screening.review_decide",
            target=review,
            details={
                "application_id": app.pk,
                "decision": decision,
                "reason": reason,
                "reason_code": review.reason_code,
                "hits": [
                    {
                        "id": hit.pk,
                        "kind": hit.kind,
                        "score": hit.score,
                        "watchlist_id": hit.watchlist_id,
                        "list_version": hit.list_version,
                        "entry_id": hit.entry_id,
                        "entry_revision": hit.entry_revision,
                        "ban_id": hit.ban_id,
                    }
                    for hit in raised
                ],
                "false_positives_remembered": remembered,
                "waited_seconds": waited,
                "within_sla": within_sla,
            },
        )
        event_emit(
            type="screening.decided",
            subject=review,
            payload={
                "review_id": review.pk,
                "application_id": app.pk,
                "decision": decision,
                "reason_code": review.reason_code or None,
                "waited_seconds": waited,
                "within_sla": within_sla,
            },
        )
    return review
