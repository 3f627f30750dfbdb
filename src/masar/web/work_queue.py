"""The home page's work queue: what waits for this person or organization, counted, with
the oldest first and the deadline (SLA) and overdue marks, each line a link to the list
where the work is done. One aggregate query per line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import Role
from masar.web.workspaces import effective_roles


@dataclass(frozen=True)
class QueueLine:
    key: str
    label: str
    count: int
    url: str
    oldest: Any = None
    due: Any = None
    overdue: int = 0


def _agent_lines(actor: User) -> list[QueueLine]:
    from masar.applications import selectors as apps
    from masar.applications.states import ApplicationStatus
    from masar.visas import selectors as visas

    own = apps.application_list(actor=actor)
    returned = own.filter(status=ApplicationStatus.RETURNED).aggregate(
        n=Count("pk"), oldest=Min("updated_at")
    )
    drafts = own.filter(status=ApplicationStatus.DRAFT).aggregate(
        n=Count("pk"), oldest=Min("created_at")
    )
    failed = (
        apps.manifest_job_list(actor=actor)
        .filter(rejected_rows__gt=0)
        .aggregate(n=Count("pk"), oldest=Min("created_at"))
    )
    ready = (
        visas.visa_list(actor)
        .filter(status="valid")
        .aggregate(n=Count("pk"), oldest=Min("issued_at"))
    )
    base = reverse("applications:applications")
    return [
        QueueLine(
            "returned",
            _("Returned applications to correct"),
            returned["n"],
            f"{base}?status=returned",
            returned["oldest"],
        ),
        QueueLine(
            "drafts",
            _("Drafts to submit"),
            drafts["n"],
            reverse("applications:groups"),
            drafts["oldest"],
        ),
        QueueLine(
            "manifest_rows",
            _("Manifest imports with refused rows"),
            failed["n"],
            reverse("applications:groups"),
            failed["oldest"],
        ),
        QueueLine(
            "visas",
            _("Visas ready to download"),
            ready["n"],
            f"{reverse('visas:visas')}?status=valid",
            ready["oldest"],
        ),
    ]


def _company_lines(actor: User) -> list[QueueLine]:
    from masar.applications import selectors as apps
    from masar.applications.states import ApplicationStatus
    from masar.border.models import Overstay, OverstayStatus
    from masar.compliance import selectors as compliance
    from masar.compliance.models import AppealStatus

    now = timezone.now()
    waiting = apps.application_list(actor=actor).filter(status=ApplicationStatus.SUBMITTED)
    approve = waiting.aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    notices = Overstay.objects.filter(
        company__organization_id=actor.organization_id or 0,
        status=OverstayStatus.OPEN,
        escape_notice_filed_at__isnull=True,
    ).aggregate(
        n=Count("pk"),
        due=Min("notice_due_at"),
        overdue=Count("pk", filter=Q(notice_due_at__lt=now)),
    )
    appeals = (
        compliance.appeal_list(actor=actor)
        .filter(status=AppealStatus.PENDING)
        .aggregate(n=Count("pk"), oldest=Min("filed_at"))
    )
    from masar.whereabouts.models import ANSWERABLE_STATUSES, AlertStatus, WhereaboutsAlert

    alerts = WhereaboutsAlert.objects.filter(
        company__organization_id=actor.organization_id or 0, status__in=ANSWERABLE_STATUSES
    ).aggregate(
        n=Count("pk"),
        due=Min("deadline"),
        overdue=Count("pk", filter=Q(deadline__lt=now) | Q(status=AlertStatus.ESCALATED)),
    )
    base = reverse("applications:applications")
    return [
        QueueLine(
            "approve",
            _("Applications to approve"),
            approve["n"],
            f"{base}?status=submitted",
            approve["oldest"],
        ),
        QueueLine(
            "notices",
            _("Escape notices to file"),
            notices["n"],
            f"{reverse('border:overstays')}?status=open",
            None,
            notices["due"],
            notices["overdue"],
        ),
        QueueLine(
            "whereabouts",
            _("Whereabouts alerts to answer"),
            alerts["n"],
            reverse("whereabouts:alerts"),
            None,
            alerts["due"],
            alerts["overdue"],
        ),
        QueueLine(
            "appeals",
            _("Appeals waiting for the ministry"),
            appeals["n"],
            reverse("compliance:mine"),
            appeals["oldest"],
        ),
    ]


def _visa_officer_lines(actor: User) -> list[QueueLine]:
    from masar.visas import selectors as visas

    queue = visas.decision_queue(actor)
    summary = queue.aggregate(n=Count("pk"))
    first = queue.first()
    due = visas.waiting_due(first) if first is not None else None
    overdue = 0
    if due is not None and due < timezone.now():
        overdue = sum(
            1
            for app in queue[:500]
            if (d := visas.waiting_due(app)) is not None and d < timezone.now()
        )
    return [
        QueueLine(
            "decisions",
            _("Applications waiting for the consular decision"),
            summary["n"],
            reverse("visas:queue"),
            getattr(first, "waiting_since", None),
            due,
            overdue,
        ),
    ]


def _security_lines(actor: User) -> list[QueueLine]:
    from masar.screening.models import Review, ReviewStatus

    pending = Review.objects.filter(status=ReviewStatus.PENDING).aggregate(
        n=Count("pk"),
        oldest=Min("opened_at"),
        due=Min("due_at"),
        overdue=Count("pk", filter=Q(due_at__lt=timezone.now())),
    )
    return [
        QueueLine(
            "referrals",
            _("Referrals to review"),
            pending["n"],
            reverse("screening:queue"),
            pending["oldest"],
            pending["due"],
            pending["overdue"],
        ),
    ]


def _inspector_lines(actor: User) -> list[QueueLine]:
    from masar.border.models import Overstay, OverstayStatus
    from masar.compliance import selectors as compliance
    from masar.compliance.models import AppealStatus

    open_overstays = Overstay.objects.filter(status=OverstayStatus.OPEN).aggregate(
        n=Count("pk"), oldest=Min("detected_at")
    )
    from masar.whereabouts.models import AlertStatus, WhereaboutsAlert

    escalated = WhereaboutsAlert.objects.filter(status=AlertStatus.ESCALATED).aggregate(
        n=Count("pk"), oldest=Min("escalated_at")
    )
    appeals = (
        compliance.appeal_list(actor=actor)
        .filter(status=AppealStatus.PENDING)
        .aggregate(n=Count("pk"), oldest=Min("filed_at"))
    )
    return [
        QueueLine(
            "overstays",
            _("Open overstays (violations to raise)"),
            open_overstays["n"],
            f"{reverse('border:overstays')}?status=open",
            open_overstays["oldest"],
        ),
        QueueLine(
            "whereabouts",
            _("Whereabouts alerts escalated to the ministries"),
            escalated["n"],
            f"{reverse('whereabouts:alerts')}?status=escalated",
            escalated["oldest"],
        ),
        QueueLine(
            "appeals",
            _("Appeals to decide"),
            appeals["n"],
            reverse("compliance:appeals"),
            appeals["oldest"],
        ),
    ]


def _trainer_lines(actor: User) -> list[QueueLine]:
    from masar.training.models import Session

    today = timezone.localdate()
    sessions = Session.objects.filter(trainer=actor, ends_on__gte=today).aggregate(
        n=Count("pk"), oldest=Min("starts_on")
    )
    return [
        QueueLine(
            "sessions",
            _("Sessions to run"),
            sessions["n"],
            reverse("training:trainer-sessions"),
            sessions["oldest"],
        ),
    ]


def _hotel_lines(actor: User) -> list[QueueLine]:
    from masar.lodging.models import HotelStay

    guests = HotelStay.objects.filter(
        hotel__organization=actor.organization, checked_out_at__isnull=True
    ).aggregate(n=Count("pk"), oldest=Min("checked_in_at"))
    return [
        QueueLine(
            "guests",
            _("Guests in the house"),
            guests["n"],
            reverse("lodging:guests"),
            guests["oldest"],
        ),
    ]


def _transport_lines(actor: User) -> list[QueueLine]:
    from masar.lodging.models import TripPassenger

    today = timezone.localdate()
    waiting = TripPassenger.objects.filter(
        trip__operator__organization=actor.organization,
        trip__departure_at__date=today,
        boarded_at__isnull=True,
    ).aggregate(n=Count("pk"), oldest=Min("trip__departure_at"))
    return [
        QueueLine(
            "boardings",
            _("Passengers of today's trips not boarded yet"),
            waiting["n"],
            reverse("lodging:trips"),
            waiting["oldest"],
        ),
    ]


_LINES = {
    Role.AGENT_STAFF: _agent_lines,
    Role.COMPANY_STAFF: _company_lines,
    Role.VISA_OFFICER: _visa_officer_lines,
    Role.SECURITY_ANALYST: _security_lines,
    Role.INSPECTOR: _inspector_lines,
    Role.TRAINER: _trainer_lines,
    Role.HOTEL_STAFF: _hotel_lines,
    Role.TRANSPORT_STAFF: _transport_lines,
}


def work_queue(*, actor: User) -> list[QueueLine]:
    """The lines of the actor's roles, those with work first (most overdue, then the
    oldest), then the empty ones."""
    lines: list[QueueLine] = []
    roles = set(effective_roles(actor))  # a supervisor sees its staff's queues
    for role, build in _LINES.items():
        if role in roles:
            lines.extend(build(actor))

    def order(line: QueueLine) -> tuple[int, int, str]:
        oldest = line.oldest
        if isinstance(oldest, dt.datetime):
            key = oldest.isoformat()
        elif isinstance(oldest, dt.date):
            key = dt.datetime.combine(oldest, dt.time.min).isoformat()
        else:
            key = "9999"
        return (0 if line.count else 1, -line.overdue, key)

    return sorted(lines, key=order)
