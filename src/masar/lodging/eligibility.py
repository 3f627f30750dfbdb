"""Eligibility rules of the planned itinerary, registered with the applications' rules
(ADR 0021): a package whose hotel is not licensed (suspended) or over its capacity on one of
the group's nights is refused, with a coded reason in the reader's language. A group
without a structured itinerary is judged by the package rules alone."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from masar.applications.eligibility.base import EligibilityContext, RuleResult, Subject, rule

MEMO_KEY = "lodging.itinerary_problems"


def _problems(ctx: EligibilityContext, code: str) -> list[tuple[str, str]]:
    found = ctx.memo.get(MEMO_KEY)
    if found is None:
        from masar.lodging.services.itinerary import itinerary_problems

        found = itinerary_problems(ctx.group) if ctx.group.pk else []
        ctx.memo[MEMO_KEY] = found
    return [(field, message) for rule_code, field, message in found if rule_code == code]


@rule(
    "package_hotel_licensed",
    field="package",
    description=_("Every hotel of the planned itinerary holds a licence that is not suspended."),
)
def package_hotel_licensed(s: Subject, ctx: EligibilityContext) -> RuleResult:
    return _problems(ctx, "package_hotel_licensed")


@rule(
    "package_hotel_capacity",
    field="package",
    description=_("No hotel of the planned itinerary is over its beds on the group's nights."),
)
def package_hotel_capacity(s: Subject, ctx: EligibilityContext) -> RuleResult:
    return _problems(ctx, "package_hotel_capacity")
