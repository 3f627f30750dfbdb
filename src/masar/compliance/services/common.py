"""Shared pieces of the compliance services: rules, the schedule, who may act, notices."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.permissions import is_licensing_staff
from masar.accounts.roles import OrganizationKind, Role
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import (
    DEFAULT_SCHEDULE,
    ComplianceRules,
    Notice,
    NoticeKind,
    Penalty,
    PenaltySchedule,
    Violation,
)
from masar.core.errors import Forbidden
from masar.integration.services import event_emit
from masar.operators.models import Company
from masar.seasons.models import Season

INSPECTOR_ROLES = (Role.INSPECTOR, Role.SUPERVISOR)
COMPANY_ROLES = (Role.COMPANY_STAFF, Role.SUPERVISOR)


def new_number(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


def rules_for(season: Season | int) -> ComplianceRules:
    """The season's compliance rules, created with the defaults when missing."""
    season_id = season if isinstance(season, int) else season.pk
    rules, _created = ComplianceRules.objects.get_or_create(season_id=season_id)
    return rules


def schedule_for(season: Season | int) -> dict[str, PenaltySchedule]:
    """The season's penalty schedule by violation type, created from the defaults when missing."""
    season_id = season if isinstance(season, int) else season.pk
    rows = {row.violation_type: row for row in PenaltySchedule.objects.filter(season_id=season_id)}
    missing = [code for code in DEFAULT_SCHEDULE if code not in rows]
    if missing:
        PenaltySchedule.objects.bulk_create(
            [
                PenaltySchedule(
                    season_id=season_id,
                    violation_type=code,
                    fine_sar=DEFAULT_SCHEDULE[code][0],
                    points=DEFAULT_SCHEDULE[code][1],
                    agent_charged=DEFAULT_SCHEDULE[code][2],
                )
                for code in missing
            ],
            ignore_conflicts=True,
        )
        rows = {
            row.violation_type: row for row in PenaltySchedule.objects.filter(season_id=season_id)
        }
    return rows


def is_inspector(actor: User | None) -> bool:
    return bool(
        actor is not None
        and actor.organization is not None
        and actor.organization.kind == OrganizationKind.MOHU
        and actor.has_role(*INSPECTOR_ROLES)
    )


def require_inspector(actor: User | None) -> None:
    if actor is not None and not is_inspector(actor):
        raise Forbidden(
            ComplianceError.NOT_ALLOWED,
            _("Only compliance inspectors of the ministry of Hajj and Umrah may do this."),
        )


def require_reviewer(actor: User | None) -> None:
    """Appeal decisions, payments, settings and manual penalties: ministry licensing staff."""
    if actor is not None and not is_licensing_staff(actor):
        raise Forbidden(
            ComplianceError.NOT_ALLOWED,
            _("Only licensing officers of the ministry of Hajj and Umrah may do this."),
        )


def company_of_actor(actor: User) -> Company:
    org = actor.organization
    company = (
        Company.objects.filter(organization=org).first()
        if org is not None and org.kind == OrganizationKind.COMPANY
        else None
    )
    if company is None or not actor.has_role(*COMPANY_ROLES):
        raise Forbidden(
            ComplianceError.NOT_ALLOWED, _("Only the staff of an Umrah company can do this.")
        )
    return company


def both_languages(render: Callable[[], str]) -> tuple[str, str]:
    """The same text rendered in English and in Arabic (notices are kept in both)."""
    with translation.override("en"):
        english = str(render())
    with translation.override("ar"):
        arabic = str(render())
    return english, arabic


def notice_issue(
    *,
    company: Company,
    season: Season | None,
    kind: str,
    subject: Callable[[], str],
    body: Callable[[], str],
    penalty: Penalty | None = None,
    violation: Violation | None = None,
) -> Notice:
    """Write a notice to the company, in both languages, with its event (in the caller's
    transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notice_issue must run inside transaction.atomic")
    subject_en, subject_ar = both_languages(subject)
    body_en, body_ar = both_languages(body)
    notice = Notice.objects.create(
        company=company,
        season=season,
        kind=kind,
        subject_en=subject_en,
        subject_ar=subject_ar,
        body_en=body_en,
        body_ar=body_ar,
        penalty=penalty,
        violation=violation,
        issued_at=timezone.now(),
    )
    event_emit(
        type="notice.issued",
        subject=notice,
        payload={
            "notice_id": notice.pk,
            "company_id": company.pk,
            "kind": kind,
            "subject": subject_en,
        },
        organizations=[company.organization_id],
    )
    return notice


def money(value: Any) -> str:
    return f"{value:.2f}"


__all__ = ["NoticeKind"]
