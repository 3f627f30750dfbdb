"""Eligibility rules: small named rules with stable codes, switched per season.

Every rule reads a season setting (`SeasonRules`) and is switched off by listing its code
in `SeasonRules.disabled_rules`. Evaluating an application returns every failure, never
only the first. The rules are pure functions of the pilgrim's data and an
`EligibilityContext` loaded once per group, so a batch of thousands costs one context.
"""

from masar.applications.eligibility import rules as _rules  # noqa: F401 - registers the rules
from masar.applications.eligibility.base import (
    RULES,
    EligibilityContext,
    Failure,
    PilgrimData,
    Rule,
    evaluate,
    failures_as_fields,
)
from masar.applications.eligibility.context import context_for_group

__all__ = [
    "RULES",
    "EligibilityContext",
    "Failure",
    "PilgrimData",
    "Rule",
    "context_for_group",
    "evaluate",
    "failures_as_fields",
]
