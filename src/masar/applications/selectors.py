"""Reads of groups, applications and manifest imports, already scoped to the actor.

What each role reads is the access matrix (`masar.accounts.access_matrix`): a ministry role
reads the application states its work needs (a border officer those holding a visa, not
agents' drafts); a company the applications sent to it, not the drafts; an agent its own;
anyone else nothing. A record outside the scope does not exist for the actor (the API
answers 404).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from masar.accounts.access_matrix import Access, access, application_statuses
from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.applications.models import Application, ApplicationTransition, Group, ManifestJob
from masar.applications.states import ApplicationStatus


def _scope(actor: User, *, agent_field: str, company_field: str | None) -> Q | None:
    """The filter of what the actor may see; None means everything (ministries)."""
    org = actor.organization
    if actor.is_superuser or (org is not None and org.is_ministry):
        return None
    if org is not None and org.kind == OrganizationKind.AGENT:
        return Q(**{f"{agent_field}__organization": org})
    if org is not None and org.kind == OrganizationKind.COMPANY and company_field:
        return Q(**{f"{company_field}__organization": org})
    return Q(pk__in=[])


def group_list(*, actor: User) -> QuerySet[Group]:
    qs = (
        Group.objects.select_related("agent__organization", "company__organization", "season")
        .annotate(
            application_count=Count("applications"),
            draft_count=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.DRAFT)
            ),
        )
        .order_by("-created_at", "-id")
    )
    if access(actor, "groups") == Access.NONE:
        return qs.none()
    scope = _scope(actor, agent_field="agent", company_field="company")
    return qs if scope is None else qs.filter(scope)


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
    )
    scope = application_scope(actor)
    return qs if scope is None else qs.filter(scope)


def application_history(*, application: Application) -> QuerySet[ApplicationTransition]:
    return application.transitions.select_related("actor__organization").order_by("id")


def manifest_job_list(*, actor: User) -> QuerySet[ManifestJob]:
    qs = ManifestJob.objects.select_related("group", "agent__organization")
    scope = _scope(actor, agent_field="agent", company_field="group__company")
    return qs if scope is None else qs.filter(scope)


def status_counts(applications: QuerySet[Application]) -> dict[str, int]:
    rows = applications.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
