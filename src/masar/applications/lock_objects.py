"""Row locks of the applications app (`select_for_update`), in one place."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from masar.applications.models import Application, Group, ManifestJob


def application_lock(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("pilgrim", "group", "agent", "company", "season")
        .get(pk=application_id)
    )


def applications_lock(application_ids: Iterable[int]) -> QuerySet[Application]:
    """Lock applications in id order (a fixed order keeps concurrent batches deadlock-free)."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("pilgrim", "group", "agent", "company", "season")
        .filter(pk__in=list(application_ids))
        .order_by("pk")
    )


def group_lock(group_id: int) -> Group:
    return (
        Group.objects.select_for_update(of=("self",))
        .select_related("agent", "company", "season")
        .get(pk=group_id)
    )


def manifest_job_lock(job_id: int) -> ManifestJob:
    return ManifestJob.objects.select_for_update(of=("self",)).get(pk=job_id)
