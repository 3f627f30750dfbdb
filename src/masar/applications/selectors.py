"""Reads of groups, applications and manifest imports, already scoped to the actor.

What each role reads is the access matrix (`masar.accounts.access_matrix`): a ministry role
reads the application states its work needs (a border officer those holding a visa, not
agents' drafts); a company the applications sent to it, not the drafts; an agent its own;
anyone else nothing. A record outside the scope does not exist for the actor (the API
answers 404).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

from masar.accounts.access_matrix import Access, access, application_statuses
from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.applications.models import (
    Application,
    ApplicationTransition,
    Group,
    ManifestJob,
    Pilgrim,
)
from masar.applications.states import ApplicationStatus
from masar.core.pagination import COUNT_CAP, CappedCount, capped_count
from masar.operators.models import Agent, Company, Contract

# A passport or application number as typed: letters and digits, spaces, dashes and the
# MRZ filler dropped (the keys are stored upper-case, without them).
_KEY_NOISE = re.compile(r"[\s\-<]")
# A pilgrim's name: letters (any script), spaces, apostrophes and hyphens.
NAME_MIN_LENGTH = 3
STATUS_COUNT_CAP = 1_000
PASSPORT_MATCHES = 100
#: A name search answers the first this many matches (no count): a common surname is
#: borne by a season's hundreds of thousands of pilgrims, and a clerk narrows the search.
NAME_MATCHES = 200
#: The pilgrims bearing the name read to find them (each holds one application or a few).
NAME_CANDIDATES = 2 * NAME_MATCHES


def _scope(actor: User, *, agent_field: str, company_field: str | None) -> Q | None:
    """The filter of what the actor may see; None means everything (ministries).

    The operator's own id is read first, so that the filter is `agent_id = x` on the table's
    `(agent, ...)` indexes rather than a join through organizations (which lists every
    operator's rows before keeping the actor's)."""
    org = actor.organization
    if actor.is_superuser or (org is not None and org.is_ministry):
        return None
    if org is not None and org.kind == OrganizationKind.AGENT:
        ids = list(Agent.objects.filter(organization=org).values_list("pk", flat=True))
        return Q(**{f"{agent_field}_id__in": ids})
    if org is not None and org.kind == OrganizationKind.COMPANY and company_field:
        ids = list(Company.objects.filter(organization=org).values_list("pk", flat=True))
        return Q(**{f"{company_field}_id__in": ids})
    return Q(pk__in=[])


def group_list(*, actor: User) -> QuerySet[Group]:
    qs = Group.objects.select_related(
        "agent__organization", "company__organization", "season"
    ).order_by("-created_at", "-id")
    if access(actor, "groups") == Access.NONE:
        return qs.none()
    scope = _scope(actor, agent_field="agent", company_field="company")
    return qs if scope is None else qs.filter(scope)


_GROUP_COUNT_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM applications_application a"
    " WHERE a.group_id = applications_group.id{extra} LIMIT %s) capped"
)


def groups_with_counts(groups: Iterable[Group]) -> list[Group]:
    """The groups of one page, each with `application_count` and `draft_count` (capped
    counts, `CappedCount`), read in one query on the `(group, status)` index: a page costs
    its own groups' rows up to the cap, never every group's."""
    rows = list(groups)
    if not rows:
        return rows
    counts = {
        pk: (total, drafts)
        for pk, total, drafts in Group.objects.filter(pk__in=[g.pk for g in rows])
        .annotate(
            # Constant SQL, values bound: one capped count per group, on its index.
            n_total=RawSQL(_GROUP_COUNT_SQL.format(extra=""), (COUNT_CAP + 1,)),  # noqa: S611
            n_drafts=RawSQL(  # noqa: S611
                _GROUP_COUNT_SQL.format(extra=" AND a.status = %s"),
                (ApplicationStatus.DRAFT.value, COUNT_CAP + 1),
            ),
        )
        .values_list("pk", "n_total", "n_drafts")
    }
    for group in rows:
        total, drafts = counts.get(group.pk, (0, 0))
        group.application_count = CappedCount(min(total, COUNT_CAP), total > COUNT_CAP)  # type: ignore[attr-defined]
        group.draft_count = CappedCount(min(drafts, COUNT_CAP), drafts > COUNT_CAP)  # type: ignore[attr-defined]
    return rows


def search_key(text: str) -> str:
    """A passport, application or visa number as stored: upper-case, no spaces or dashes."""
    return _KEY_NOISE.sub("", text).upper()


def applications_by_passport(qs: QuerySet[Application], text: str) -> QuerySet[Application]:
    """Applications of the pilgrims holding passport number `text` (any issuing state)."""
    pilgrims = Pilgrim.objects.filter(passport_number=search_key(text)).values_list("pk", flat=True)
    return qs.filter(pilgrim_id__in=list(pilgrims[:PASSPORT_MATCHES]))


def application_search(
    qs: QuerySet[Application], text: str, *, actor: User | None = None
) -> QuerySet[Application]:
    """Applications whose number, pilgrim's passport number or visa number is `text`
    (exact, normalized keys on unique or B-tree indexes), or, when `text` holds no digit,
    whose pilgrim's surname or given names start with it: at most `NAME_MATCHES` of them
    (`name_matches`; prefix B-trees on PostgreSQL, a scan on SQLite, docs/architecture.md).
    `actor`, the reader of `qs`, narrows a name search to its operators' pilgrims first."""
    from masar.visas.models import Visa

    text = text.strip()
    if not text:
        return qs
    key = search_key(text)
    if any(ch.isdigit() for ch in key):
        pilgrims = list(
            Pilgrim.objects.filter(passport_number=key).values_list("pk", flat=True)[
                :PASSPORT_MATCHES
            ]
        )
        visas = list(Visa.objects.filter(number=key).values_list("application_id", flat=True))
        return qs.filter(Q(number=key) | Q(pilgrim_id__in=pilgrims) | Q(pk__in=visas))
    if len(text) < NAME_MIN_LENGTH:
        return qs.none()
    return qs.filter(pk__in=name_matches(qs, text, agents=pilgrim_agents(actor)))


def is_name_search(text: str) -> bool:
    """Whether `application_search` reads `text` as part of a name (a bounded answer)."""
    text = text.strip()
    return len(text) >= NAME_MIN_LENGTH and not any(ch.isdigit() for ch in search_key(text))


def pilgrim_agents(actor: User | None) -> list[int] | None:
    """The agents whose pilgrims the actor's applications can hold (None: any agent's): an
    agent's own; a company's contracted agents (each of its applications was made by one);
    a ministry, every agent."""
    org = actor.organization if actor is not None else None
    if actor is None or actor.is_superuser or org is None:
        return None
    if org.kind == OrganizationKind.AGENT:
        return list(Agent.objects.filter(organization=org).values_list("pk", flat=True))
    if org.kind == OrganizationKind.COMPANY:
        return list(
            Contract.objects.filter(company__organization=org)
            .values_list("agent_id", flat=True)
            .distinct()
        )
    return None


_NAME_FIELDS = ("surname", "given_names")
# In the prefix index's order (`~<~`, the order of `text_pattern_ops`), so that the read is
# an index range scan that stops at its LIMIT, however common the name (ADR 0126).
_PILGRIMS_NAMED_SQL = (
    "SELECT id FROM applications_pilgrim WHERE {scope}UPPER({field}) LIKE %s"
    " ORDER BY UPPER({field}) USING ~<~ LIMIT %s"
)


def _like_prefix(text: str) -> str:
    """`text%` for LIKE, the text's own `%`, `_` and backslash escaped (LIKE's default)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _pilgrims_named(prefix: str, field: str, agent: int | None, limit: int) -> list[int]:
    """At most `limit` pilgrims (of `agent`, when given) whose `field` starts with `prefix`
    (upper case): a range of the `(agent, UPPER(field))` or `UPPER(field)` index."""
    if connection.vendor != "postgresql":  # SQLite: LIKE reads the table (ADR 0126)
        named = Pilgrim.objects.alias(name=Upper(field)).filter(name__startswith=prefix)
        if agent is not None:
            named = named.filter(agent_id=agent)
        return list(named.order_by().values_list("pk", flat=True)[:limit])
    assert field in _NAME_FIELDS
    sql = _PILGRIMS_NAMED_SQL.format(
        scope="agent_id = %s AND " if agent is not None else "", field=field
    )
    params = [agent] if agent is not None else []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, _like_prefix(prefix), limit])
        return [row[0] for row in cursor.fetchall()]


def name_matches(
    qs: QuerySet[Application], text: str, *, agents: list[int] | None = None
) -> list[int]:
    """The ids of at most `NAME_MATCHES` applications of `qs` whose pilgrim's surname or
    given names start with `text` (case aside), in no particular order, in bounded reads
    (ADR 0126): at most `NAME_CANDIDATES` pilgrims whose surname, then whose given names,
    start with it, each read a range of a prefix B-tree that stops at its bound (one range
    per agent of `agents` when given, on the `(agent, name)` indexes: an agent's search
    never reads the other agents' bearers of a common surname), then their applications in
    the reader's scope (the `pilgrim` index). A search costs a page whatever the season."""
    prefix = text.strip().upper()
    candidates: list[int] = []
    for field in _NAME_FIELDS:
        for agent in agents if agents is not None else [None]:
            left = NAME_CANDIDATES - len(candidates)
            if left <= 0:
                break
            candidates += _pilgrims_named(prefix, field, agent, left)
    rows = (
        qs.filter(pilgrim_id__in=candidates).order_by().values_list("pk", flat=True)[:NAME_MATCHES]
    )
    return list(rows)


def application_scope(actor: User) -> Q | None:
    """The filter of the applications the actor reads (None: every one), from the matrix."""
    every, own = application_statuses(actor)
    if every >= set(ApplicationStatus.values):
        return None
    scope = _scope(actor, agent_field="agent", company_field="company")
    readable = Q(status__in=sorted(every)) if every else Q(pk__in=[])
    if own and scope is not None:
        readable |= scope & Q(status__in=sorted(own))
    return readable


def application_list(*, actor: User) -> QuerySet[Application]:
    qs = Application.objects.select_related(
        "pilgrim", "group", "agent__organization", "company__organization", "season"
    ).order_by("-id")
    scope = application_scope(actor)
    return qs if scope is None else qs.filter(scope)


def group_applications(*, actor: User, group: Group) -> QuerySet[Application]:
    """The applications the actor reads in `group`, a group of `group_list(actor=actor)`:
    filtered on the group and the statuses alone, so that a page and each count by status
    read the `(group, …)` indexes only. The operator's scope (`agent_id IN …`), which the
    group already satisfies, would make the planner intersect the group's rows with every
    row of the operator's (ADR 0126)."""
    every, own = application_statuses(actor)
    operator = _scope(actor, agent_field="agent", company_field="company") is not None
    readable = every | own if operator else every
    qs = Application.objects.select_related(
        "pilgrim", "group", "agent__organization", "company__organization", "season"
    ).filter(group=group)
    if readable < set(ApplicationStatus.values):
        qs = qs.filter(status__in=sorted(readable))
    return qs.order_by("-id")


def application_history(*, application: Application) -> QuerySet[ApplicationTransition]:
    return application.transitions.select_related("actor__organization").order_by("id")


def manifest_job_list(*, actor: User) -> QuerySet[ManifestJob]:
    qs = ManifestJob.objects.select_related("group", "agent__organization")
    scope = _scope(actor, agent_field="agent", company_field="group__company")
    return qs if scope is None else qs.filter(scope)


def status_counts(applications: QuerySet[Application]) -> dict[str, int]:
    """Exact counts by status: for one group's applications (the `(group, status)` index)."""
    rows = applications.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def status_counts_capped(applications: QuerySet[Application]) -> dict[str, CappedCount]:
    """Counts by status, each capped at `STATUS_COUNT_CAP` (one bounded index read per
    status, fifteen on every list page: "more than 1,000" says what a clerk needs, at a
    tenth of the cost of the list's own cap; ADR 0126): for lists that may hold millions of
    rows. Statuses without a row are left out."""
    counts = {
        status: capped_count(applications.filter(status=status), cap=STATUS_COUNT_CAP)
        for status in ApplicationStatus.values
    }
    return {status: n for status, n in counts.items() if n.value}
