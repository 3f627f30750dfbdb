"""Who may call an API endpoint: authenticated, second factor where required, token scope,
and the roles an endpoint names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import permissions
from rest_framework.request import Request

from masar.accounts.models import ApiToken, TokenScope, User
from masar.accounts.roles import OrganizationKind, Role
from masar.core.error_codes import CoreError
from masar.core.errors import Forbidden


def is_licensing_staff(user: User | None) -> bool:
    """Licensing officers and supervisors of the ministry of Hajj and Umrah: they license
    operators and set seasons, rules and quotas."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.organization is not None
        and user.organization.kind == OrganizationKind.MOHU
        and user.has_role(Role.LICENSING_OFFICER, Role.SUPERVISOR)
    )


def needs_second_factor(user: User) -> bool:
    """Ministry staff must have verified a TOTP device when the setting requires it."""
    if not settings.MASAR_REQUIRE_MINISTRY_OTP or user.is_service_account:
        return False
    if not user.is_ministry_staff:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


class MasarPermission(permissions.BasePermission):
    """Base permission of every endpoint. Views may set `required_roles`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        auth = request.auth
        if isinstance(auth, ApiToken):
            needed = (
                TokenScope.READ if request.method in permissions.SAFE_METHODS else TokenScope.WRITE
            )
            if needed not in auth.scopes:
                raise Forbidden(
                    CoreError.SCOPE_REQUIRED,
                    _("This token lacks the '%s' scope.") % needed,
                )
        elif needs_second_factor(user):  # type: ignore[arg-type]
            raise Forbidden(
                CoreError.SECOND_FACTOR_REQUIRED,
                _("Ministry staff must verify a second factor before they can act."),
            )
        roles = getattr(view, "required_roles", None)
        if roles is None:
            method_roles = getattr(view, "required_roles_by_method", {})
            roles = method_roles.get(request.method)
        if roles and not user.has_role(*roles):  # type: ignore[union-attr]
            raise Forbidden(
                CoreError.ROLE_REQUIRED,
                _("This needs one of the roles: %s") % ", ".join(sorted(roles)),
            )
        return True
