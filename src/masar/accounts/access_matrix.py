"""Who reads what: the role x resource matrix, as data.

Each ministry role reads only what its work needs; companies, agents and carriers read their
own organization's records. The selectors of each app ask `access(actor, resource)` and
scope their query by the answer; `docs/security-matrix.md` is rendered from this module
(`matrix_markdown`, checked by a test) and the access tests are generated from it.

A profile is `kind:role` (a role means different work in different organizations: a
supervisor of the foreign ministry is not one of a company). A user with several roles reads
what the widest of them allows; a superuser reads everything; a user without an
organization reads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from masar.accounts.roles import ROLES_BY_KIND, OrganizationKind, Role

if TYPE_CHECKING:
    from masar.accounts.models import User


class Access(StrEnum):
    ALL = "all"  # every organization's records
    OWN = "own"  # the records of the reader's own organization
    NONE = "none"


_RANK = {Access.NONE: 0, Access.OWN: 1, Access.ALL: 2}


@dataclass(frozen=True)
class Resource:
    key: str
    title: str
    personal: bool  # holds personal data: reads of it are recorded (PersonalDataRead)
    # For the application resources: the application states the resource covers.
    statuses: frozenset[str] = frozenset()


_K = OrganizationKind
_R = Role

RESOURCES: tuple[Resource, ...] = (
    Resource("application_drafts", "Applications: agents' drafts", True, frozenset({"draft"})),
    Resource(
        "applications_submitted",
        "Applications: submitted to, returned by or withdrawn before the company",
        True,
        frozenset({"submitted", "returned", "withdrawn"}),
    ),
    Resource(
        "applications_in_review",
        "Applications: screening, referral, consular decision",
        True,
        frozenset({"screening", "referred", "decision", "approved", "rejected"}),
    ),
    Resource(
        "applications_issued",
        "Applications with a visa: issued, used, ended",
        True,
        frozenset({"issued", "expired", "cancelled", "entered", "departed", "overstayed"}),
    ),
    Resource("groups", "Groups and their packages", False),
    Resource("visas", "E-visas", True),
    Resource("crossings", "Border crossings", True),
    Resource("stays", "Stays in the kingdom", True),
    Resource("overstays", "Overstays and escape notices", True),
    Resource("hotel_stays", "Hotel check-ins and check-outs", True),
    Resource("trips", "Trips between the cities and their passengers", True),
    Resource("whereabouts_alerts", "Whereabouts alerts and the companies' answers", True),
    Resource("carrier_checks", "Carrier checks", False),
    Resource("screening_reviews", "Security screening reviews", True),
    Resource("violations", "Compliance violations", False),
    Resource("guarantee_ledgers", "Company guarantee ledgers and fines", False),
    Resource("audit", "The audit trail", False),
    Resource("personal_data_reads", "Reads of personal data", True),
)
RESOURCE_KEYS = frozenset(r.key for r in RESOURCES)
APPLICATION_RESOURCES = tuple(r for r in RESOURCES if r.statuses)

_ALL, _OWN = Access.ALL, Access.OWN

# The MOHU's staff who oversee operators (licensing, inspection, the ministry's analysts).
_MOHU_OVERSIGHT = (
    f"{_K.MOHU}:{_R.LICENSING_OFFICER}",
    f"{_K.MOHU}:{_R.SUPERVISOR}",
    f"{_K.MOHU}:{_R.ANALYST}",
    f"{_K.MOHU}:{_R.INSPECTOR}",
)
_MOFA_CASEWORK = (
    f"{_K.MOFA}:{_R.VISA_OFFICER}",
    f"{_K.MOFA}:{_R.SUPERVISOR}",
    f"{_K.MOFA}:{_R.ANALYST}",
    f"{_K.MOFA}:{_R.INTEGRATION}",
)
_MOI_SECURITY = (
    f"{_K.MOI}:{_R.SECURITY_ANALYST}",
    f"{_K.MOI}:{_R.SUPERVISOR}",
)
_MOI_BORDER = (
    f"{_K.MOI}:{_R.BORDER_OFFICER}",
    f"{_K.MOI}:{_R.SUPERVISOR}",
    f"{_K.MOI}:{_R.ANALYST}",
    f"{_K.MOI}:{_R.INTEGRATION}",
)
_SUBMITTERS = (f"{_K.COMPANY}:*", f"{_K.AGENT}:*")
_MINISTRY_SUPERVISORS = (
    f"{_K.MOHU}:{_R.SUPERVISOR}",
    f"{_K.MOFA}:{_R.SUPERVISOR}",
    f"{_K.MOI}:{_R.SUPERVISOR}",
)


def _grant(level: Access, *profiles: str) -> dict[str, Access]:
    return dict.fromkeys(profiles, level)


#: resource -> {profile or `kind:*`: access}; a profile not named reads nothing.
GRANTS: dict[str, dict[str, Access]] = {
    # Drafts are the agent's work in progress: only the agent, and the MOHU's supervisors.
    "application_drafts": {
        **_grant(_OWN, f"{_K.AGENT}:*"),
        **_grant(_ALL, f"{_K.MOHU}:{_R.SUPERVISOR}"),
    },
    "applications_submitted": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT, f"{_K.MOHU}:{_R.INTEGRATION}"),
    },
    "applications_in_review": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT, f"{_K.MOHU}:{_R.INTEGRATION}"),
        **_grant(_ALL, *_MOFA_CASEWORK, *_MOI_SECURITY),
        **_grant(_ALL, f"{_K.MOI}:{_R.ANALYST}", f"{_K.MOI}:{_R.INTEGRATION}"),
    },
    # A border officer reads applications that hold a visa, nothing earlier.
    "applications_issued": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT, f"{_K.MOHU}:{_R.INTEGRATION}"),
        **_grant(_ALL, *_MOFA_CASEWORK, *_MOI_SECURITY, *_MOI_BORDER),
    },
    "groups": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT, f"{_K.MOHU}:{_R.INTEGRATION}"),
        **_grant(_ALL, *_MOFA_CASEWORK, *_MOI_SECURITY, *_MOI_BORDER),
    },
    "visas": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT, f"{_K.MOHU}:{_R.INTEGRATION}"),
        **_grant(_ALL, *_MOFA_CASEWORK, *_MOI_SECURITY, *_MOI_BORDER),
    },
    "crossings": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, f"{_K.MOHU}:{_R.SUPERVISOR}", f"{_K.MOHU}:{_R.INSPECTOR}"),
        **_grant(_ALL, f"{_K.MOHU}:{_R.ANALYST}", *_MOI_SECURITY, *_MOI_BORDER),
    },
    "stays": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT, *_MOI_SECURITY, *_MOI_BORDER),
    },
    "overstays": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT, *_MOI_SECURITY, *_MOI_BORDER),
    },
    # A hotel reads its own guests, an operator its own passengers; the pilgrim's company and
    # agent read their pilgrims' (scoped by the application); the ministries that track the
    # pilgrims in the kingdom read all.
    "hotel_stays": {
        **_grant(_OWN, *_SUBMITTERS, f"{_K.HOTEL}:*"),
        **_grant(_ALL, *_MOHU_OVERSIGHT, *_MOI_SECURITY, *_MOI_BORDER),
    },
    "trips": {
        **_grant(_OWN, *_SUBMITTERS, f"{_K.TRANSPORT}:*"),
        **_grant(_ALL, *_MOHU_OVERSIGHT, *_MOI_SECURITY, *_MOI_BORDER),
    },
    # The company answers for its pilgrims, its agent is told; the ministries that track the
    # pilgrims in the kingdom read every alert (and receive the escalated ones).
    "whereabouts_alerts": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT, *_MOI_SECURITY, *_MOI_BORDER),
    },
    "carrier_checks": {
        **_grant(_OWN, f"{_K.CARRIER}:*"),
        **_grant(_ALL, *_MOI_SECURITY, *_MOI_BORDER),
    },
    # The review queue is the interior ministry's security work alone.
    "screening_reviews": _grant(_ALL, *_MOI_SECURITY),
    "violations": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT),
    },
    # Money between the MOHU and the companies: not the foreign or interior ministry's work.
    "guarantee_ledgers": {
        **_grant(_OWN, *_SUBMITTERS),
        **_grant(_ALL, *_MOHU_OVERSIGHT),
    },
    # Every organization reads its own trail; the ministries' supervisors read all of it, and
    # the MOHU's oversight staff too (an operator's history is their case file).
    "audit": {
        **_grant(_OWN, *(f"{kind}:*" for kind in ROLES_BY_KIND)),
        **_grant(_ALL, *_MINISTRY_SUPERVISORS, *_MOHU_OVERSIGHT),
    },
    # The ministry's auditors (its supervisors) read who read personal data.
    "personal_data_reads": _grant(_ALL, *_MINISTRY_SUPERVISORS),
}

PROFILES: tuple[str, ...] = tuple(
    f"{kind}:{role}"
    for kind in OrganizationKind
    for role in Role
    if role in ROLES_BY_KIND.get(kind, frozenset())
)


def profile_access(profile: str, resource: str) -> Access:
    """The access of one `kind:role` profile to one resource."""
    if resource not in RESOURCE_KEYS:
        raise KeyError(resource)
    grants = GRANTS.get(resource, {})
    kind = profile.split(":", 1)[0]
    return grants.get(profile) or grants.get(f"{kind}:*") or Access.NONE


def access(actor: User | None, resource: str) -> Access:
    """The widest access any of the actor's roles gives to `resource`."""
    if resource not in RESOURCE_KEYS:
        raise KeyError(resource)
    if actor is None or not actor.is_authenticated:
        return Access.NONE
    if actor.is_superuser:
        return Access.ALL
    org = actor.organization
    if org is None:
        return Access.NONE
    best = Access.NONE
    for role in actor.roles:
        level = profile_access(f"{org.kind}:{role}", resource)
        if _RANK[level] > _RANK[best]:
            best = level
    return best


def application_statuses(actor: User | None) -> tuple[frozenset[str], frozenset[str]]:
    """(states the actor reads in every organization, states it reads in its own)."""
    every: set[str] = set()
    own: set[str] = set()
    for resource in APPLICATION_RESOURCES:
        level = access(actor, resource.key)
        if level == Access.ALL:
            every |= resource.statuses
        elif level == Access.OWN:
            own |= resource.statuses
    return frozenset(every), frozenset(own)


def matrix_markdown() -> str:
    """The matrix as the Markdown table of docs/security-matrix.md."""
    head = "| profile | " + " | ".join(f"`{r.key}`" for r in RESOURCES) + " |"
    rule = "|---|" + "---|" * len(RESOURCES)
    mark = {Access.ALL: "all", Access.OWN: "own", Access.NONE: "—"}
    rows = [
        f"| `{p}` | " + " | ".join(mark[profile_access(p, r.key)] for r in RESOURCES) + " |"
        for p in PROFILES
    ]
    legend = [
        "",
        "| resource | covers | personal data |",
        "|---|---|---|",
        *(
            f"| `{r.key}` | {r.title}"
            + (f" (`{'`, `'.join(sorted(r.statuses))}`)" if r.statuses else "")
            + f" | {'yes' if r.personal else 'no'} |"
            for r in RESOURCES
        ),
    ]
    return "\n".join([head, rule, *rows, *legend]) + "\n"
