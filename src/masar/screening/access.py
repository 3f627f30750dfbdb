"""Who may see screening data. Nobody outside the ministries, ever: a company or an agent
sees only the status of its applications (and the neutral reasons of their transitions).

* Managing lists, bans and the review queue: the interior ministry's security analysts and
  its supervisors.
* `match` (screen one person, for other agencies' systems): the service accounts of the
  three ministries (role `integration`), and those who manage screening.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.core.errors import Forbidden
from masar.screening.error_codes import ScreeningError

ANALYST_ROLES = (Role.SECURITY_ANALYST, Role.SUPERVISOR)


def is_screening_analyst(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    org = user.organization
    return org is not None and org.kind == OrganizationKind.MOI and user.has_role(*ANALYST_ROLES)


def may_match(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    org = user.organization
    if org is None or not org.is_ministry:
        return False
    return user.has_role(Role.INTEGRATION) or is_screening_analyst(user)


def require_screening_analyst(actor: User | None) -> None:
    """Forbidden unless the actor is a security analyst (or supervisor) of the interior
    ministry; None is the system itself (tasks, commands) and may."""
    if actor is not None and not is_screening_analyst(actor):
        raise Forbidden(
            ScreeningError.NOT_ALLOWED,
            _("Only the interior ministry's security analysts and supervisors can do this."),
        )
