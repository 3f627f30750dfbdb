from __future__ import annotations

from django.db.models import Q, QuerySet

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.seasons.models import Quota, Season


def season_list(*, actor: User) -> QuerySet[Season]:
    """Seasons are public within the platform: every signed-in organization works in them."""
    return Season.objects.select_related("rules").all()


def season_current(*, on=None) -> Season | None:  # type: ignore[no-untyped-def]
    from masar.core.dates import riyadh_today

    today = on or riyadh_today()
    return (
        Season.objects.filter(starts_on__lte=today, ends_on__gte=today, is_open=True)
        .order_by("-starts_on")
        .first()
        or Season.objects.filter(is_open=True).order_by("-starts_on").first()
    )


def quota_list(*, actor: User, season: Season) -> QuerySet[Quota]:
    qs = Quota.objects.filter(season=season).select_related(
        "company__organization", "agent__organization"
    )
    org = actor.organization
    if actor.is_superuser or (org is not None and org.is_ministry):
        return qs
    if org is not None and org.kind == OrganizationKind.COMPANY:
        return qs.filter(company__organization=org)
    if org is not None and org.kind == OrganizationKind.AGENT:
        return qs.filter(Q(agent__organization=org))
    return qs.none()
