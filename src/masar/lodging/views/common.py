"""What the lodging pages share: the actor, who may do what, the error on a form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.core.errors import MasarError

PAGE_SIZE = 50


def actor_of(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def is_hotel_staff(user: User) -> bool:
    org = user.organization
    return bool(
        org is not None
        and org.kind == OrganizationKind.HOTEL
        and user.has_role(Role.HOTEL_STAFF, Role.SUPERVISOR)
    )


def is_transport_staff(user: User) -> bool:
    org = user.organization
    return bool(
        org is not None
        and org.kind == OrganizationKind.TRANSPORT
        and user.has_role(Role.TRANSPORT_STAFF, Role.SUPERVISOR)
    )


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def apply_error(form: forms.Form, exc: MasarError) -> str:
    """Put a service's field errors on the form; return the general message."""
    for name, messages_ in exc.fields.items():
        target = name if name in form.fields else None
        for message in messages_:
            form.add_error(target, str(message))
    return str(exc.message)
