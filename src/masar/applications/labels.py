"""What a person reads for each step of an application's journey (never the code)."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

TRANSITION_LABELS: dict[str, Promise] = {
    "submit": _("Submitted to the company"),
    "company_approve": _("Approved by the company"),
    "return": _("Returned to the agent"),
    "withdraw": _("Withdrawn"),
    "screen_clear": _("Security screening clear"),
    "refer": _("Referred for security review"),
    "referral_clear": _("Cleared by the security review"),
    "referral_reject": _("Refused after the security review"),
    "approve": _("Visa approved"),
    "reject": _("Visa refused"),
    "issue": _("E-visa issued"),
    "expire": _("Expired"),
    "cancel": _("Visa cancelled"),
    "enter": _("Entered the kingdom"),
    "depart": _("Left the kingdom"),
    "overstay": _("Overstayed"),
}

#: Steps whose recorded reason comes from security screening: shown to the ministries only.
SCREENING_STEPS = frozenset({"refer", "referral_clear", "referral_reject"})


def transition_label(name: str) -> str:
    label = TRANSITION_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ")


#: Reasons the system writes on a step, stored in English for the record (screening's
#: referral and clearance): shown in the page's language.
_REFERRAL = re.compile(
    r"^Possible match in security screening: (?P<n>\d+) hit\(s\) to review \((?P<ref>[^)]*)\)\.$"
)
_SYSTEM_REASONS: dict[str, Promise] = {
    "Cleared by security review.": _("Cleared by security review."),
}


def reason_text(reason: str) -> str:
    """A step's or a status's reason as a person reads it: the system's own reasons in the
    page's language, a reason a person typed as typed."""
    fixed = _SYSTEM_REASONS.get(reason)
    if fixed is not None:
        return str(fixed)
    if match := _REFERRAL.match(reason):
        n = int(match["n"])
        return ngettext(
            "Possible match in security screening: %(n)d hit to review (%(ref)s).",
            "Possible match in security screening: %(n)d hits to review (%(ref)s).",
            n,
        ) % {"n": n, "ref": match["ref"]}
    return reason
