"""Demo data of the compliance app (runs after border's step, which detects a few
overstays): the season's settings with the defaults, the automatic violations of those
overstays with their fines and ladder steps, one inspector's violation, one appeal waiting
for a decision, satisfaction scores and this quarter's ratings."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from masar.accounts.models import User
from masar.compliance.models import (
    Appeal,
    ComplianceRules,
    SatisfactionScore,
    Violation,
    ViolationStatus,
)
from masar.compliance.services import (
    appeal_file,
    compliance_rules_update,
    ratings_compute,
    rules_for,
    schedule_for,
    violation_raise,
    violations_raise_automatic,
)
from masar.operators.models import Company, CompanyStatus
from masar.seasons.models import Season

DEMO_RULES = {
    "suspension_rate_pct": "12.00",
    "cancellation_rate_pct": "20.00",
    "suspension_points": 1000,
    "cancellation_points": 2000,
    "agent_bar_min_overstayers": 5,
}


def _user(kind: str, *roles: str) -> User | None:
    return (
        User.objects.filter(organization__kind=kind, memberships__role__in=roles)
        .order_by("pk")
        .first()
    )


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any) -> list[str]:
    rng = random.Random(f"compliance-{season.pk}")  # noqa: S311 - demo data, not secrets
    schedule_for(season)
    if not ComplianceRules.objects.filter(season=season).exists():
        # The demo's border step leaves one company with a high overstay rate among few
        # pilgrims: the demo season stops its ladder at the quota cut, so that the company's
        # demo users can still work (the defaults would cancel its licence).
        compliance_rules_update(actor=None, season=season, changes=DEMO_RULES)
    rules_for(season)
    automatic = violations_raise_automatic()
    inspector = _user("mohu", "inspector")
    reviewer = _user("mohu", "licensing_officer", "supervisor")
    companies = list(Company.objects.order_by("pk"))
    active = [c for c in companies if c.status == CompanyStatus.ACTIVE]
    manual = ""
    if inspector is not None and companies:
        target = rng.choice(active or companies)
        violation = violation_raise(
            actor=inspector,
            season=season,
            company=target,
            violation_type="services_not_delivered",
            occurred_on=timezone.localdate(),
            description="سكن الحجاج في مكة على بعد 1.8 كم من الحرم بدلًا من 500 م المنصوص "
            "عليها في الباقة (زيارة تفتيشية).",
        )
        manual = violation.number
        staff = User.objects.filter(
            organization=target.organization, memberships__role="company_staff"
        ).first()
        if staff is not None and not Appeal.objects.filter(violation=violation).exists():
            appeal_file(
                actor=staff,
                violation=violation,
                statement="نُقل المعتمرون إلى الفندق الواقع على بعد 500 م في الليلة الثانية، "
                "ومرفق فواتير الفندق.",
            )
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for company in companies:
        SatisfactionScore.objects.update_or_create(
            company=company,
            year=year,
            quarter=quarter,
            defaults={
                "score_pct": Decimal(rng.randint(7200, 9900)) / 100,
                "responses": rng.randint(40, 600),
                "imported_at": timezone.now(),
            },
        )
    rated = 0
    if reviewer is not None:
        rated = len(
            ratings_compute(actor=reviewer, season=season, year=year, quarter=quarter).ratings
        )
    open_count = Violation.objects.filter(season=season, status=ViolationStatus.OPEN).count()
    line = (
        f"compliance: {automatic.raised} violation(s) raised from border records, "
        f"inspector's violation {manual or 'none'} under appeal, {open_count} open, "
        f"{rated} compan(ies) rated for {year} Q{quarter}"
    )
    return [line]
