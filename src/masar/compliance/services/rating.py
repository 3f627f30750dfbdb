"""Quarterly ratings (compliance and pilgrim satisfaction) and the satisfaction import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.compliance import facts
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import (
    CLASS_ORDER,
    ComplianceRules,
    NoticeKind,
    QuarterRating,
    SatisfactionScore,
    Violation,
    ViolationStatus,
)
from masar.compliance.services.common import notice_issue, require_reviewer, rules_for
from masar.core.audit import audit_record
from masar.core.errors import ValidationFailed
from masar.integration.services import event_emit
from masar.operators.models import Company
from masar.seasons.models import Season

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4):
        raise ValidationFailed(
            ComplianceError.INVALID_FILTER,
            _("A quarter is 1, 2, 3 or 4."),
            fields={"quarter": [_("1 to 4.")]},
        )
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, Decimal("0")), HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def compliance_score(*, rate_pct: Decimal, points: int, rules: ComplianceRules) -> Decimal:
    """100, less the rate and points penalties of the season's rules; 0 to 100. Pure."""
    return _clamp(
        HUNDRED
        - rate_pct * rules.rating_rate_penalty_per_pct
        - points * rules.rating_points_penalty
    )


def overall_rating(
    *, compliance_pct: Decimal, satisfaction_pct: Decimal | None, rules: ComplianceRules
) -> Decimal:
    """Weighted compliance and satisfaction; compliance alone when no survey score. Pure."""
    if satisfaction_pct is None:
        return _clamp(compliance_pct)
    weight = Decimal(rules.rating_compliance_weight_pct) / HUNDRED
    return _clamp(compliance_pct * weight + satisfaction_pct * (1 - weight))


def class_move(*, current: str, rating_pct: Decimal, rules: ComplianceRules) -> str:
    """One class up at or above `class_up_pct`, one down below `class_down_pct`. Pure."""
    index = CLASS_ORDER.index(current)
    if rating_pct >= rules.class_up_pct and index > 0:
        return CLASS_ORDER[index - 1]
    if rating_pct < rules.class_down_pct and index < len(CLASS_ORDER) - 1:
        return CLASS_ORDER[index + 1]
    return current


def current_class(
    company: Company, rules: ComplianceRules, before: tuple[int, int] | None = None
) -> str:
    ratings = QuarterRating.objects.filter(company=company)
    if before is not None:
        year, quarter = before
        ratings = ratings.filter(Q(year__lt=year) | Q(year=year, quarter__lt=quarter))
    latest = ratings.order_by("-year", "-quarter", "-computed_at").first()
    return latest.class_after if latest else rules.initial_class


def _rating_subject(year: int, quarter: int) -> str:
    return _("Your rating for %(year)d Q%(quarter)d") % {"year": year, "quarter": quarter}


def _rating_body(
    compliance: Decimal, satisfaction: Decimal | None, rating: Decimal, before: str, after: str
) -> str:
    return _(
        "Compliance %(compliance)s%%, satisfaction %(satisfaction)s, rating "
        "%(rating)s%%: class %(before)s to %(after)s."
    ) % {
        "compliance": compliance,
        "satisfaction": f"{satisfaction}%" if satisfaction is not None else "–",
        "rating": rating,
        "before": before,
        "after": after,
    }


@dataclass
class RatingRun:
    ratings: list[QuarterRating] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rated": len(self.ratings)}


@transaction.atomic
def ratings_compute(*, actor: User | None, season: Season, year: int, quarter: int) -> RatingRun:
    """Rate every company that had pilgrims entered in the quarter (or violations in it).
    Idempotent: a second run for the same quarter updates the same rows."""
    require_reviewer(actor)
    start, end = quarter_bounds(year, quarter)
    rules = rules_for(season)
    run = RatingRun()
    entered_ids = set(
        facts.stays(season.pk, entered_at__date__range=(start, end))
        .values_list("company_id", flat=True)
        .distinct()
    )
    violation_ids = set(
        Violation.objects.filter(season=season, occurred_on__range=(start, end))
        .values_list("company_id", flat=True)
        .distinct()
    )
    scores = {
        s.company_id: s.score_pct
        for s in SatisfactionScore.objects.filter(year=year, quarter=quarter)
    }
    for company in Company.objects.filter(pk__in=entered_ids | violation_ids).select_related(
        "organization"
    ):
        figures = facts.company_figures(
            season_id=season.pk, company_id=company.pk, entered_between=(start, end)
        )
        points = (
            Violation.objects.filter(
                season=season, company=company, occurred_on__range=(start, end)
            )
            .exclude(status=ViolationStatus.CANCELLED)
            .aggregate(total=Sum("points"))["total"]
            or 0
        )
        compliance = compliance_score(rate_pct=figures.rate_pct, points=points, rules=rules)
        satisfaction = scores.get(company.pk)
        rating = overall_rating(
            compliance_pct=compliance, satisfaction_pct=satisfaction, rules=rules
        )
        before = current_class(company, rules, before=(year, quarter))
        after = class_move(current=before, rating_pct=rating, rules=rules)
        row, _created = QuarterRating.objects.update_or_create(
            season=season,
            company=company,
            year=year,
            quarter=quarter,
            defaults={
                "overstay_rate_pct": figures.rate_pct,
                "points": points,
                "compliance_pct": compliance,
                "satisfaction_pct": satisfaction,
                "rating_pct": rating,
                "class_before": before,
                "class_after": after,
                "computed_at": timezone.now(),
            },
        )
        payload = {
            "rating_id": row.pk,
            "company_id": company.pk,
            "season_id": season.pk,
            "year": year,
            "quarter": quarter,
            "compliance_pct": str(compliance),
            "satisfaction_pct": str(satisfaction) if satisfaction is not None else None,
            "rating_pct": str(rating),
            "class_before": before,
            "class_after": after,
        }
        audit_record(
            actor=actor,
            action="rating.computed",
            target=row,
            organization=company.organization,
            details=payload,
        )
        event_emit(
            type="rating.computed",
            subject=row,
            payload=payload,
            organizations=[company.organization_id],
        )
        notice_issue(
            company=company,
            season=season,
            kind=NoticeKind.RATING,
            subject=partial(_rating_subject, year, quarter),
            body=partial(_rating_body, compliance, satisfaction, rating, before, after),
        )
        run.ratings.append(row)
    return run


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "errors": self.errors}


REQUIRED_COLUMNS = ("licence_number", "year", "quarter", "score_pct")


def satisfaction_import(*, actor: User | None, content: str) -> ImportResult:
    """Import survey scores from CSV (columns licence_number, year, quarter, score_pct and
    optionally responses). All rows or none: any bad row is reported and nothing is saved.
    Re-importing a quarter replaces its scores."""
    require_reviewer(actor)
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValidationFailed(
            ComplianceError.INVALID_FILE,
            _("The file lacks the columns: %s") % ", ".join(missing),
            fields={"file": [_("Columns: %s") % ", ".join(REQUIRED_COLUMNS)]},
        )
    companies = dict(Company.objects.values_list("licence_number", "pk"))
    result = ImportResult()
    clean: list[tuple[int, int, int, Decimal, int]] = []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        company_id = companies.get(row["licence_number"])
        problems = []
        if company_id is None:
            problems.append(_("unknown licence number"))
        try:
            year, quarter = int(row["year"]), int(row["quarter"])
            if quarter not in (1, 2, 3, 4):
                raise ValueError
        except ValueError:
            problems.append(_("year and quarter must be whole numbers, quarter 1 to 4"))
            year = quarter = 0
        try:
            score = Decimal(row["score_pct"]).quantize(CENT)
            if not (0 <= score <= 100):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(_("score_pct must be a number from 0 to 100"))
            score = Decimal("0")
        try:
            responses = int(row.get("responses") or 0)
        except ValueError:
            problems.append(_("responses must be a whole number"))
            responses = 0
        if problems:
            result.errors.append({"line": line, "problems": [str(p) for p in problems]})
        elif company_id is not None:
            clean.append((company_id, year, quarter, score, responses))
    if result.errors:
        return result
    now = timezone.now()
    with transaction.atomic():
        for company_id, year, quarter, score, responses in clean:
            SatisfactionScore.objects.update_or_create(
                company_id=company_id,
                year=year,
                quarter=quarter,
                defaults={"score_pct": score, "responses": responses, "imported_at": now},
            )
        audit_record(
            actor=actor,
            action="satisfaction.imported",
            details={"rows": len(clean)},
        )
    result.imported = len(clean)
    return result


def rating_rules(season: Season) -> ComplianceRules:
    return rules_for(season)
