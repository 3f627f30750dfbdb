"""Reads of portraits and photo archives, scoped to the actor: whoever may see one of a
pilgrim's applications may see the pilgrim's portrait (a ministry every one, a company
those submitted to it, an agent its own pilgrims); anyone else nothing."""

from __future__ import annotations

from django.db.models import QuerySet

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.applications.models import Pilgrim
from masar.applications.selectors import application_list, group_list
from masar.photos.models import PhotoBatch, Portrait


def pilgrim_list(*, actor: User) -> QuerySet[Pilgrim]:
    """The pilgrims the actor may see (and so their portraits)."""
    org = actor.organization
    if actor.is_superuser or (org is not None and org.is_ministry):
        return Pilgrim.objects.all()
    if org is not None and org.kind == OrganizationKind.AGENT:
        return Pilgrim.objects.filter(agent__organization=org)
    return Pilgrim.objects.filter(
        pk__in=application_list(actor=actor).values("pilgrim_id")
    ).distinct()


def pilgrim_visible(*, actor: User, pilgrim_id: int) -> Pilgrim | None:
    return pilgrim_list(actor=actor).filter(pk=pilgrim_id).first()


def portrait_of(*, pilgrim: Pilgrim) -> Portrait | None:
    return Portrait.objects.filter(pilgrim=pilgrim).first()


def photo_batch_list(*, actor: User) -> QuerySet[PhotoBatch]:
    """Archives of the groups the actor may see."""
    groups = group_list(actor=actor).values("pk")
    return PhotoBatch.objects.select_related("group", "agent__organization").filter(
        group_id__in=groups
    )
