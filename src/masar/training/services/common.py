"""Who may do what in training: small guard predicates shared by the services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.core.errors import Forbidden
from masar.training.error_codes import TrainingError
from masar.training.models import Session

CATALOGUE_ROLES = (Role.SUPERVISOR, Role.TRAINER)


def is_mohu(actor: User | None) -> bool:
    return (
        actor is not None
        and actor.organization is not None
        and actor.organization.kind == OrganizationKind.MOHU
    )


def can_manage_catalogue(actor: User | None) -> bool:
    """The ministry of Hajj and Umrah runs training: its supervisors and trainers."""
    return actor is None or (is_mohu(actor) and actor.has_role(*CATALOGUE_ROLES))


def require_catalogue_manager(actor: User | None) -> None:
    if not can_manage_catalogue(actor):
        raise Forbidden(
            TrainingError.NOT_ALLOWED,
            _("Only trainers and supervisors of the ministry of Hajj and Umrah may do this."),
        )


def can_run_session(actor: User | None, session: Session) -> bool:
    """A session's own trainer, or a supervisor of the ministry of Hajj and Umrah."""
    if actor is None:
        return True
    if actor.pk == session.trainer_id:
        return True
    return is_mohu(actor) and actor.has_role(Role.SUPERVISOR)


def require_session_runner(actor: User | None, session: Session) -> None:
    if not can_run_session(actor, session):
        raise Forbidden(
            TrainingError.NOT_ALLOWED,
            _("Only this session's trainer (or a ministry supervisor) may do this."),
        )
