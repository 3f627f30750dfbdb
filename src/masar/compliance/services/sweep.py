"""The periodic compliance sweep: every automatic step, in one idempotent run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from masar.compliance.services.ladder import (
    ladder_recompute,
    ladders_due_for_review,
    suspensions_expire,
)
from masar.compliance.services.money import guarantee_draw_due
from masar.compliance.services.violations import violations_raise_automatic


@dataclass
class SweepResult:
    raised: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    escalated: list[int] = field(default_factory=list)
    suspensions_lifted: int = 0
    drawn: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "raised": self.raised,
            "by_type": self.by_type,
            "escalated": self.escalated,
            "suspensions_lifted": self.suspensions_lifted,
            "drawn": self.drawn,
        }


def compliance_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Raise due violations (and recompute those companies' ladders), re-examine warnings
    whose cure period passed, lift suspensions that ended, draw unpaid fines past due."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    raised = violations_raise_automatic(now=now)
    result = SweepResult(raised=raised.raised, by_type=raised.by_type)
    for season_id, company_id in ladders_due_for_review(today=today):
        standing = ladder_recompute(season=season_id, company=company_id)
        if standing.imposed:
            result.escalated.append(company_id)
    result.suspensions_lifted = len(suspensions_expire(today=today))
    result.drawn = guarantee_draw_due(today=today)
    return result
