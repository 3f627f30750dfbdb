"""What a person reads for each step of an application's journey (never the code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
