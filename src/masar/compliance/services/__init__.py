"""Writes of the compliance app (one function per state change)."""

from masar.compliance.services.appeals import appeal_decide, appeal_file
from masar.compliance.services.common import rules_for, schedule_for
from masar.compliance.services.ladder import (
    company_reinstate,
    company_standing,
    ladder_level,
    ladder_recompute,
    penalty_lift,
    suspensions_expire,
)
from masar.compliance.services.money import guarantee_balance, guarantee_draw_due, payment_record
from masar.compliance.services.rating import ratings_compute, satisfaction_import
from masar.compliance.services.settings import compliance_rules_update
from masar.compliance.services.violations import (
    violation_raise,
    violation_raise_absconded,
    violations_raise_automatic,
)

__all__ = [
    "appeal_decide",
    "appeal_file",
    "company_reinstate",
    "company_standing",
    "compliance_rules_update",
    "guarantee_balance",
    "guarantee_draw_due",
    "ladder_level",
    "ladder_recompute",
    "payment_record",
    "penalty_lift",
    "ratings_compute",
    "rules_for",
    "satisfaction_import",
    "schedule_for",
    "suspensions_expire",
    "violation_raise",
    "violation_raise_absconded",
    "violations_raise_automatic",
]
