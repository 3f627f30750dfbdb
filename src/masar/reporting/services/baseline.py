"""The paper-process baseline of a season (time saved is measured against it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.permissions import is_licensing_staff
from masar.core.audit import audit_record
from masar.core.errors import Forbidden, ValidationFailed
from masar.integration.services.outbox import event_emit
from masar.reporting.error_codes import ReportingError
from masar.reporting.models import PaperBaseline
from masar.seasons.models import Season


def paper_baseline_for(season: Season) -> PaperBaseline:
    """The season's baseline, created with the defaults when missing."""
    baseline, _created = PaperBaseline.objects.get_or_create(season=season)
    return baseline


def paper_baseline_update(
    *,
    actor: User,
    season: Season,
    days_end_to_end: Decimal,
    staff_minutes_per_application: int,
    staff_minutes_per_manual_decision: int,
) -> PaperBaseline:
    """Set the paper-process figures of a season (licensing staff of the ministry)."""
    if not is_licensing_staff(actor):
        raise Forbidden(
            ReportingError.NOT_ALLOWED,
            _("Only the ministry's licensing staff may change the paper-process baseline."),
        )
    errors: dict[str, Any] = {}
    if days_end_to_end <= 0 or days_end_to_end > 365:
        errors["days_end_to_end"] = [_("Between 0.1 and 365 days.")]
    if not 0 < staff_minutes_per_application <= 24 * 60:
        errors["staff_minutes_per_application"] = [_("Between 1 and 1440 minutes.")]
    if not 0 <= staff_minutes_per_manual_decision <= 24 * 60:
        errors["staff_minutes_per_manual_decision"] = [_("Between 0 and 1440 minutes.")]
    if errors:
        raise ValidationFailed(
            ReportingError.INVALID_BASELINE, _("The baseline is not valid."), fields=errors
        )
    with transaction.atomic():
        PaperBaseline.objects.get_or_create(season=season)
        baseline = PaperBaseline.objects.select_for_update(of=("self",)).get(season=season)
        before = {
            "days_end_to_end": str(baseline.days_end_to_end),
            "staff_minutes_per_application": baseline.staff_minutes_per_application,
            "staff_minutes_per_manual_decision": baseline.staff_minutes_per_manual_decision,
        }
        baseline.days_end_to_end = days_end_to_end
        baseline.staff_minutes_per_application = staff_minutes_per_application
        baseline.staff_minutes_per_manual_decision = staff_minutes_per_manual_decision
        baseline.updated_at = timezone.now()
        baseline.save(
            update_fields=[
                "days_end_to_end",
                "staff_minutes_per_application",
                "staff_minutes_per_manual_decision",
                "updated_at",
            ]
        )
        after = {
            "days_end_to_end": str(days_end_to_end),
            "staff_minutes_per_application": staff_minutes_per_application,
            "staff_minutes_per_manual_decision": staff_minutes_per_manual_decision,
        }
        audit_record(
            actor=actor,
            action="reporting.baseline_updated",
            target=baseline,
            details={"season": season.code, "before": before, "after": after},
        )
        event_emit(
            type="reporting.baseline_updated",
            subject=baseline,
            payload={"season_id": season.pk, **after},
        )
    return baseline
