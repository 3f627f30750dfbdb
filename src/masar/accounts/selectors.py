from __future__ import annotations

from django.db.models import QuerySet

from masar.accounts.models import ApiToken, User


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def user_by_username(username: str) -> User | None:
    return User.objects.select_related("organization").filter(username=username).first()
