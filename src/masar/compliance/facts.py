"""Figures the ladder and the rating read from border records (stays and overstays).

Border models are imported inside the functions: compliance refers to border records by id
(docs/adr/0080-compliance-references-border-by-id.md). An overstay whose overstay violation
was cancelled on appeal no longer counts (the company proved it was not an overstay).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from masar.compliance.models import Violation, ViolationStatus, ViolationType

HUNDRED = Decimal("100")


def rate_pct(overstayers: int, entered: int) -> Decimal:
    """Overstayers per hundred pilgrims entered, two decimals (0 when none entered)."""
    if entered <= 0:
        return Decimal("0.00")
    return (Decimal(overstayers) * HUNDRED / Decimal(entered)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def cancelled_overstay_refs(season_id: int) -> QuerySet[Violation, Any]:
    return Violation.objects.filter(
        season_id=season_id,
        violation_type=ViolationType.OVERSTAY,
        status=ViolationStatus.CANCELLED,
        overstay_ref__isnull=False,
    ).values("overstay_ref")


def stays(season_id: int, **filters: Any) -> QuerySet[Any]:
    from masar.border.models import Stay

    return Stay.objects.filter(season_id=season_id, **filters)


def counted_overstays(season_id: int, **filters: Any) -> QuerySet[Any]:
    from masar.border.models import Overstay

    return Overstay.objects.filter(season_id=season_id, **filters).exclude(
        pk__in=cancelled_overstay_refs(season_id)
    )


@dataclass(frozen=True)
class Figures:
    entered: int
    overstayers: int
    open_overstayers: int

    @property
    def rate_pct(self) -> Decimal:
        return rate_pct(self.overstayers, self.entered)


def company_figures(
    *,
    season_id: int,
    company_id: int,
    nationality: str = "",
    entered_between: tuple[dt.date, dt.date] | None = None,
) -> Figures:
    filters: dict[str, Any] = {"company_id": company_id}
    if nationality:
        filters["nationality"] = nationality
    stay_qs = stays(season_id, **filters)
    over_qs = counted_overstays(season_id, **filters)
    if entered_between:
        stay_qs = stay_qs.filter(entered_at__date__range=entered_between)
        over_qs = over_qs.filter(stay__entered_at__date__range=entered_between)
    from masar.border.models import OverstayStatus

    counts = over_qs.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status=OverstayStatus.OPEN))
    )
    return Figures(
        entered=stay_qs.count(), overstayers=counts["total"], open_overstayers=counts["open"]
    )


def agent_figures(*, season_id: int, company_id: int) -> dict[int, Figures]:
    """Per agent of the company: pilgrims entered and counted overstayers."""
    entered = dict(
        stays(season_id, company_id=company_id)
        .order_by()
        .values("agent_id")
        .annotate(n=Count("pk"))
        .values_list("agent_id", "n")
    )
    over = dict(
        counted_overstays(season_id, company_id=company_id)
        .order_by()
        .values("agent_id")
        .annotate(n=Count("pk"))
        .values_list("agent_id", "n")
    )
    return {
        agent_id: Figures(entered=entered.get(agent_id, 0), overstayers=n, open_overstayers=0)
        for agent_id, n in over.items()
        if agent_id is not None
    }


def figures_by_company(*, season_id: int, nationality: str = "") -> dict[int, Figures]:
    """Every company with pilgrims entered in the season: its entered and overstayers."""
    filters: dict[str, Any] = {}
    if nationality:
        filters["nationality"] = nationality
    entered = dict(
        stays(season_id, **filters)
        .order_by()
        .values("company_id")
        .annotate(n=Count("pk"))
        .values_list("company_id", "n")
    )
    over = dict(
        counted_overstays(season_id, **filters)
        .order_by()
        .values("company_id")
        .annotate(n=Count("pk"))
        .values_list("company_id", "n")
    )
    return {
        company_id: Figures(entered=n, overstayers=over.get(company_id, 0), open_overstayers=0)
        for company_id, n in entered.items()
    }
