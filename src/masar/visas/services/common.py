"""Who may decide and cancel: visa officers of the foreign ministry."""

from __future__ import annotations

from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.core.errors import Forbidden
from masar.visas.error_codes import VisasError

VISA_OFFICER_ROLES = (Role.VISA_OFFICER, Role.SUPERVISOR)


def is_visa_officer(actor: User) -> bool:
    org = actor.organization
    return (
        org is not None
        and org.kind == OrganizationKind.MOFA
        and actor.has_role(*VISA_OFFICER_ROLES)
    )


def require_visa_officer(actor: User) -> None:
    if not is_visa_officer(actor):
        raise Forbidden(
            VisasError.NOT_ALLOWED, _("Only the foreign ministry's visa officers may do this.")
        )
