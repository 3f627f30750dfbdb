"""The eligibility rule "photo present and compliant", switched on per season by
`SeasonRules.photo_required`. A manifest row has no photo yet (photos follow the
manifest), so the rule reads only stored pilgrims: it holds at submission."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from masar.applications.eligibility.base import EligibilityContext, RuleResult, Subject, rule
from masar.photos.models import USABLE_STATUSES, Portrait


@rule(
    "photo_compliant",
    field="photo",
    description=_("The pilgrim has a photo that passed the portrait checks or was accepted."),
    settings=("photo_required",),
)
def photo_compliant(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if not ctx.rules.photo_required:
        return None
    pilgrim_id = getattr(s.pilgrim, "pk", None)
    if pilgrim_id is None:
        return None
    status = Portrait.objects.filter(pilgrim_id=pilgrim_id).values_list("status", flat=True).first()
    if status is None:
        return gettext("The pilgrim has no photo.")
    if status not in USABLE_STATUSES:
        return gettext("The pilgrim's photo failed the portrait checks and was not accepted.")
    return None
