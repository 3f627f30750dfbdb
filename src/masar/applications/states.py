"""The journey of an application, declared once as a table of transitions.

Every state change of an application is one row of `TRANSITIONS`: its name, the states it
leaves, the state it reaches, the kinds of organization that may take it, the step
timestamp it records, the event it emits and its effect on the quota and on the
one-active-application-per-passport lock. `masar.applications.services.transitions.
application_transition` is the only code that moves an application between states; the
named services (`application_submit`, `application_company_approve`, ...) check their own
guards and then call it. The later apps (screening, visas, border) use the rows already
declared here, or add theirs with `transition_register`, and call the same mechanism.

The journey up to the consular decision:

```
draft -> submitted -> screening --screen_clear--> decision --approve--> approved -> issued ...
   (company_approve)      |                         ^    |
                        refer                       |    +--reject--> rejected
                          v                         |
                       referred --referral_clear----+
                          |
                          +--referral_reject--> rejected
```

| transition | from | to | by | event | timestamp |
|---|---|---|---|---|---|
| `screen_clear` | screening | decision | MOI, SYSTEM | application.screened | screened_at |
| `refer` | screening | referred (reason: evidence summary) | MOI, SYSTEM | application.referred | screened_at |
| `referral_clear` | referred | decision (security: false positive) | MOI | application.security_cleared | security_decided_at |
| `referral_reject` | referred | rejected (coded reason; quota back) | MOI | application.rejected | security_decided_at |
| `approve` | decision | approved (`automatic` in the payload) | MOFA, SYSTEM | application.decided | decided_at |
| `reject` | decision | rejected (reason; quota back) | MOFA | application.decided | decided_at |

After a clear screening the screening service takes `approve` as SYSTEM at once when the
season's rules allow it (`SeasonRules.auto_decision`; the application records
`decided_automatically`); otherwise, and always after a referral, the application waits in
`decision` for the foreign ministry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the company")
    RETURNED = "returned", _("Returned by the company")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SCREENING = "screening", _("In security screening")
    REFERRED = "referred", _("Referred for review")
    DECISION = "decision", _("Awaiting the consular decision")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Visa issued")
    EXPIRED = "expired", _("Visa expired unused")
    CANCELLED = "cancelled", _("Visa cancelled")
    ENTERED = "entered", _("Entered the kingdom")
    DEPARTED = "departed", _("Departed")
    OVERSTAYED = "overstayed", _("Overstayed")


S = ApplicationStatus

# States in which the agent may still change the pilgrim's data.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})
# States that hold the passport: a second application for it cannot become active.
ACTIVE_STATUSES = frozenset(
    {
        S.SUBMITTED,
        S.SCREENING,
        S.REFERRED,
        S.DECISION,
        S.APPROVED,
        S.ISSUED,
        S.ENTERED,
        S.OVERSTAYED,
    }
)
# States after which nothing more happens to the application.
FINAL_STATUSES = frozenset({S.WITHDRAWN, S.REJECTED, S.EXPIRED, S.CANCELLED, S.DEPARTED})

# Who may take a transition: kinds of organization, or SYSTEM for jobs without an actor.
AGENT = "agent"
COMPANY = "company"
MOHU = "mohu"
MOFA = "mofa"
MOI = "moi"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    by: frozenset[str]
    event: str
    timestamp: str
    reason_required: bool = False
    releases_quota: bool = False
    # The app that owns the service calling this transition (documentation only).
    owner: str = "applications"


TRANSITIONS: dict[str, Transition] = {}

# Side effects that follow a transition once its transaction commits, by transition name:
# callables taking the ids of the applications that took it. Other apps register theirs in
# their AppConfig.ready() (visas queues issuance after every `approve`); the transition
# mechanism schedules them with transaction.on_commit, for one application or many.
AFTER_COMMIT: dict[str, list[Callable[[list[int]], None]]] = {}


def transition_after_commit(name: str, func: Callable[[list[int]], None]) -> None:
    """Run `func(application_ids)` after each commit in which transition `name` was taken."""
    if name not in TRANSITIONS:
        raise ValueError(f"transition {name!r} is not declared")
    hooks = AFTER_COMMIT.setdefault(name, [])
    if func not in hooks:
        hooks.append(func)


def transition_register(transition: Transition) -> Transition:
    """Declare a transition. A name is declared once; a later app adds new names only."""
    if transition.name in TRANSITIONS:
        raise ValueError(f"transition {transition.name!r} is already declared")
    TRANSITIONS[transition.name] = transition
    return transition


def _t(
    name: str,
    sources: set[str],
    target: str,
    by: set[str],
    event: str,
    timestamp: str,
    **options: object,
) -> None:
    transition_register(
        Transition(name, frozenset(sources), target, frozenset(by), event, timestamp, **options)  # type: ignore[arg-type]
    )


# name, from, to, by, event, timestamp field
_t("submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, {AGENT}, "application.submitted", "submitted_at")
_t(
    "company_approve",
    {S.SUBMITTED},
    S.SCREENING,
    {COMPANY},
    "application.approved_by_company",
    "company_decided_at",
)
_t(
    "return",
    {S.SUBMITTED},
    S.RETURNED,
    {COMPANY},
    "application.returned",
    "company_decided_at",
    reason_required=True,
    releases_quota=True,
)
_t(
    "withdraw",
    {S.DRAFT, S.SUBMITTED, S.RETURNED},
    S.WITHDRAWN,
    {AGENT},
    "application.withdrawn",
    "withdrawn_at",
    releases_quota=True,
)
# Screening: a clear screening goes on to the consular decision; a possible match
# is referred to the interior ministry's security analysts first.
_t(
    "screen_clear",
    {S.SCREENING},
    S.DECISION,
    {MOI, SYSTEM},
    "application.screened",
    "screened_at",
    owner="screening",
)
_t(
    "refer",
    {S.SCREENING},
    S.REFERRED,
    {MOI, SYSTEM},
    "application.referred",
    "screened_at",
    reason_required=True,
    owner="screening",
)
_t(
    "referral_clear",
    {S.REFERRED},
    S.DECISION,
    {MOI},
    "application.security_cleared",
    "security_decided_at",
    owner="screening",
)
_t(
    "referral_reject",
    {S.REFERRED},
    S.REJECTED,
    {MOI},
    "application.rejected",
    "security_decided_at",
    reason_required=True,
    releases_quota=True,
    owner="screening",
)
# The consular decision (`approve` is also taken by the screening service as SYSTEM when
# the season decides clear applications automatically).
_t(
    "approve",
    {S.DECISION},
    S.APPROVED,
    {MOFA, SYSTEM},
    "application.decided",
    "decided_at",
    owner="visas",
)
_t(
    "reject",
    {S.DECISION},
    S.REJECTED,
    {MOFA},
    "application.decided",
    "decided_at",
    reason_required=True,
    releases_quota=True,
    owner="visas",
)
# Visas.
_t(
    "issue",
    {S.APPROVED},
    S.ISSUED,
    {MOFA, SYSTEM},
    "application.issued",
    "issued_at",
    owner="visas",
)
_t("expire", {S.ISSUED}, S.EXPIRED, {SYSTEM}, "application.expired", "ended_at", owner="visas")
_t(
    "cancel",
    {S.APPROVED, S.ISSUED},
    S.CANCELLED,
    {MOFA},
    "application.cancelled",
    "ended_at",
    reason_required=True,
    owner="visas",
)
# Border.
_t(
    "enter",
    {S.ISSUED},
    S.ENTERED,
    {MOI, SYSTEM},
    "application.entered",
    "entered_at",
    owner="border",
)
_t(
    "depart",
    {S.ENTERED, S.OVERSTAYED},
    S.DEPARTED,
    {MOI, SYSTEM},
    "application.departed",
    "departed_at",
    owner="border",
)
_t(
    "overstay",
    {S.ENTERED},
    S.OVERSTAYED,
    {SYSTEM, MOI},
    "application.overstayed",
    "overstayed_at",
    owner="border",
)

# Every step timestamp an application records (fields of the Application model).
STEP_TIMESTAMPS = tuple(dict.fromkeys(t.timestamp for t in TRANSITIONS.values()))


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
