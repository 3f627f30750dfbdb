from __future__ import annotations

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from masar.accounts.models import ApiToken, User
from masar.accounts.roles import Role


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def tokens_visible(*, actor: User) -> QuerySet[ApiToken]:
    """The tokens a person may list and revoke: their own, and for a supervisor those of
    every user of their organization (people and service accounts)."""
    query = Q(user=actor)
    if actor.is_superuser:
        query = Q()
    elif actor.organization_id is not None and actor.has_role(Role.SUPERVISOR):
        query |= Q(user__organization_id=actor.organization_id)
    return (
        ApiToken.objects.filter(query)
        .select_related("user")
        .order_by("user__username", "-created_at")
    )


def organization_people(*, actor: User) -> QuerySet[User]:
    """The people (not service accounts) whose second factor a supervisor looks after:
    the other people of their organization."""
    if actor.organization_id is None or not actor.has_role(Role.SUPERVISOR):
        return User.objects.none()
    return (
        User.objects.filter(organization_id=actor.organization_id, is_service_account=False)
        .exclude(pk=actor.pk)
        .order_by("username")
    )


def second_factor_states(*, people: QuerySet[User]) -> QuerySet[User]:
    """Each person with `enrolled`, `code_expires_at` (of a pending enrolment code, or
    None) and `recovery_left`, in one query."""
    now = timezone.now()
    return people.annotate(
        enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        code_expires_at=Max(
            "enrolment_codes__expires_at",
            filter=Q(
                enrolment_codes__used_at__isnull=True,
                enrolment_codes__withdrawn_at__isnull=True,
                enrolment_codes__expires_at__gt=now,
            ),
        ),
        recovery_left=Count(
            "recovery_codes", filter=Q(recovery_codes__used_at__isnull=True), distinct=True
        ),
    )


def user_by_username(username: str) -> User | None:
    return User.objects.select_related("organization").filter(username=username).first()
