"""What the submitting side (the company and the agent) may know of an application while the
authorities review it: no tip-off.

From the company's approval to the consular decision the application is, for them, "under
review by the authorities" (`UNDER_REVIEW`): security screening, a referral to the interior
ministry's analysts and the wait for the consular decision look the same, so neither the
state, its reason (the referral's hit count and review reference), the analyst, nor the time
the screening took tells them whether a watchlist matched. A refusal on security grounds
reaches them as a refusal "by the authorities", without its coded reason. The ministries
(and the platform's superusers) see everything, as stored. See docs/screening.md and
docs/adr/0105-no-tip-off-to-the-submitting-side.md.

Pure reads over what is stored: nothing here writes, and what is stored does not change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, F, When
from django.utils.translation import gettext_lazy as _

from masar.accounts.models import User
from masar.applications.models import Application, ApplicationTransition
from masar.applications.states import ApplicationStatus

S = ApplicationStatus

#: The neutral status the submitting side sees instead of REVIEW_STATUSES.
UNDER_REVIEW = "under_review"
UNDER_REVIEW_LABEL = _("Under review by the authorities")
#: States between the company's approval and the consular decision.
REVIEW_STATUSES = frozenset({S.SCREENING, S.REFERRED, S.DECISION})
#: Transitions of the security review: taken between review states, or the refusal.
SECURITY_TRANSITIONS = frozenset({"screen_clear", "refer", "referral_clear", "referral_reject"})
#: The refusal on security grounds, as the submitting side sees it.
REFUSED = "refused"
REFUSED_REASON = "Refused by the authorities."
REFUSED_REASON_LABEL = _("Refused by the authorities.")
AUTHORITIES = "authorities"
AUTHORITIES_LABEL = _("the authorities")
#: Step timestamps that would time the security review.
REVIEW_TIMESTAMPS = frozenset({"screened_at", "security_decided_at"})


def sees_security_review(actor: User | None) -> bool:
    """The ministries and superusers see the review as stored; everyone else neutrally.
    None (no viewer known) is treated as the submitting side: fail closed."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    org = actor.organization
    return org is not None and org.is_ministry


def shown_status(actor: User | None, status: str) -> str:
    if status in REVIEW_STATUSES and not sees_security_review(actor):
        return UNDER_REVIEW
    return status


def status_label(status: str) -> str:
    if status == UNDER_REVIEW:
        return str(UNDER_REVIEW_LABEL)
    try:
        return str(ApplicationStatus(status).label)
    except ValueError:
        return status


def _refused_on_security_grounds(app: Application) -> bool:
    # `referral_reject` stamps security_decided_at and never decided_at; the consular
    # `reject` stamps decided_at.
    return (
        app.status == S.REJECTED and app.security_decided_at is not None and app.decided_at is None
    )


def shown_reason(actor: User | None, app: Application, *, translated: bool = False) -> str:
    """The status reason the viewer may read: none while under review, the neutral refusal
    after a refusal on security grounds."""
    if sees_security_review(actor):
        return app.status_reason
    if app.status in REVIEW_STATUSES:
        return ""
    if _refused_on_security_grounds(app):
        return str(REFUSED_REASON_LABEL) if translated else REFUSED_REASON
    return app.status_reason


def status_choices(actor: User | None) -> list[tuple[str, str]]:
    """The statuses a list page offers to filter by."""
    if sees_security_review(actor):
        return [(value, str(label)) for value, label in ApplicationStatus.choices]
    choices: list[tuple[str, str]] = []
    for value, label in ApplicationStatus.choices:
        if value in REVIEW_STATUSES:
            if value == S.SCREENING:
                choices.append((UNDER_REVIEW, str(UNDER_REVIEW_LABEL)))
            continue
        choices.append((value, str(label)))
    return choices


def status_filter(actor: User | None, value: str) -> list[str]:
    """The stored statuses a requested status filter stands for. For the submitting side any
    review state stands for all of them, so the answer never separates them."""
    if sees_security_review(actor):
        return [value]
    if value == UNDER_REVIEW or value in REVIEW_STATUSES:
        return sorted(REVIEW_STATUSES)
    return [value]


def shown_counts(actor: User | None, counts: Mapping[str, Any]) -> dict[str, Any]:
    """Counts by status with the review states folded into UNDER_REVIEW for the submitting
    side (ints, or capped counts, which add up the same way)."""
    if sees_security_review(actor):
        return dict(counts)
    shown: dict[str, Any] = {}
    for status, n in counts.items():
        key = shown_status(actor, status)
        shown[key] = shown.get(key, 0) + n
    return shown


def shown_updated_at(actor: User | None, app: Application) -> datetime:
    """When the application last changed as the viewer sees it: for the submitting side a
    step of the review does not count (it would time the review)."""
    if sees_security_review(actor):
        return app.updated_at
    if app.status in REVIEW_STATUSES and app.company_decided_at is not None:
        return app.company_decided_at
    return app.updated_at


def shown_updated_order(actor: User | None) -> Any:
    """An ORDER BY expression for "recently changed first" that a review step cannot move."""
    if sees_security_review(actor):
        return F("updated_at").desc()
    return Case(
        When(status__in=sorted(REVIEW_STATUSES), then=F("company_decided_at")),
        default=F("updated_at"),
    ).desc(nulls_last=True)


def shown_timestamps(actor: User | None, stamps: Mapping[str, Any]) -> dict[str, Any]:
    if sees_security_review(actor):
        return dict(stamps)
    return {k: (None if k in REVIEW_TIMESTAMPS else v) for k, v in stamps.items()}


@dataclass(frozen=True)
class HistoryStep:
    """One step of an application's history as its viewer may see it."""

    name: str
    from_status: str
    to_status: str
    actor: str
    reason: str
    at: datetime

    @property
    def from_label(self) -> str:
        return status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return status_label(self.to_status)


def _actor_name(item: ApplicationTransition, *, neutral: bool) -> str:
    if item.actor is None:
        return "system"
    if neutral and item.actor.is_ministry_staff:
        return AUTHORITIES
    return item.actor.get_username()


def shown_step(actor: User | None, item: ApplicationTransition) -> HistoryStep | None:
    """One transition as the viewer may see it, or None when they may not see it at all.
    For the submitting side: the review's own steps are left out, a refusal on security
    grounds is the neutral `refused` by the authorities, review states read UNDER_REVIEW
    and ministry staff are "authorities"."""
    if sees_security_review(actor):
        return HistoryStep(
            item.name,
            item.from_status,
            item.to_status,
            _actor_name(item, neutral=False),
            item.reason,
            item.at,
        )
    if item.name in SECURITY_TRANSITIONS and item.name != "referral_reject":
        return None
    refused = item.name == "referral_reject"
    return HistoryStep(
        REFUSED if refused else item.name,
        shown_status(actor, item.from_status),
        shown_status(actor, item.to_status),
        AUTHORITIES if refused else _actor_name(item, neutral=True),
        REFUSED_REASON if refused else item.reason,
        item.at,
    )


def shown_history(
    actor: User | None, transitions: Iterable[ApplicationTransition]
) -> list[HistoryStep]:
    """The transition log the viewer may see (`shown_step` of each)."""
    return [step for item in transitions if (step := shown_step(actor, item)) is not None]


def neutral_refusal_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The event the submitting side receives for a refusal on security grounds."""
    return {
        **{k: payload[k] for k in _PAYLOAD_IDS if k in payload},
        "transition": REFUSED,
        "from": UNDER_REVIEW,
        "to": S.REJECTED.value,
        "reason": REFUSED_REASON,
    }


_PAYLOAD_IDS = ("application_id", "number", "group_id", "agent_id", "company_id", "season_id")
