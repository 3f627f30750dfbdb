"""Reads of groups, applications and manifest imports, already scoped to the actor.

A ministry sees everything; a company the groups and applications sent to it; an agent
only its own; anyone else nothing. A record outside the scope does not exist for the
actor (the API answers 404).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

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
    scope = _scope(actor, agent_field="agent", company_field="company")
    return qs if scope is None else qs.filter(scope)


def application_list(*, actor: User) -> QuerySet[Application]:
    qs = Application.objects.select_related(
        "pilgrim", "group", "agent__organization", "company__organization", "season"
    )
    scope = _scope(actor, agent_field="agent", company_field="company")
    if scope is None:
        return qs
    qs = qs.filter(scope)
    org = actor.organization
    if org is not None and org.kind == OrganizationKind.COMPANY:
        # A company sees what its agents submitted to it, not their drafts.
        qs = qs.exclude(status__in=[ApplicationStatus.DRAFT])
    return qs


def application_history(*, application: Application) -> QuerySet[ApplicationTransition]:
    return application.transitions.select_related("actor").order_by("id")


def manifest_job_list(*, actor: User) -> QuerySet[ManifestJob]:
    qs = ManifestJob.objects.select_related("group", "agent__organization")
    scope = _scope(actor, agent_field="agent", company_field="group__company")
    return qs if scope is None else qs.filter(scope)


def status_counts(applications: QuerySet[Application]) -> dict[str, int]:
    rows = applications.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
