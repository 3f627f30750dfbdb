"""Reads of the border app, always scoped to the actor's organization: a company sees its
own pilgrims, an agent its own, the ministries everything."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from masar.accounts.models import User
from masar.accounts.roles import MINISTRY_KINDS, OrganizationKind
from masar.applications.models import Application
from masar.border.models import CarrierCheck, Crossing, Overstay, Port, Stay
from masar.core.params import is_whole_number


def _scope(actor: User, qs: QuerySet[Any]) -> QuerySet[Any]:
    org = actor.organization
    if org is None:
        return qs.none()
    if org.kind == OrganizationKind.COMPANY:
        return qs.filter(company__organization_id=org.pk)
    if org.kind == OrganizationKind.AGENT:
        return qs.filter(agent__organization_id=org.pk)
    if org.kind in MINISTRY_KINDS:
        return qs
    return qs.none()


def port_list() -> QuerySet[Port]:
    return Port.objects.filter(is_active=True).prefetch_related("terminals__lanes")


def overstay_list(actor: User) -> QuerySet[Overstay]:
    return _scope(
        actor,
        Overstay.objects.select_related(
            "application__pilgrim", "company__organization", "agent__organization", "season"
        ).select_related("escape_notice"),
    )


def stay_list(actor: User) -> QuerySet[Stay]:
    return _scope(
        actor,
        Stay.objects.select_related(
            "application__pilgrim", "entry_port", "exit_port", "company", "agent"
        ),
    )


def crossing_list(actor: User) -> QuerySet[Crossing]:
    return _scope(actor, Crossing.objects.select_related("port", "application"))


def application_for_journey(actor: User, key: str) -> Application | None:
    """The application a journey is asked for: by its number (e.g. A26000042) or, when all
    digits, by its id; None when the actor may not read it."""
    qs = _scope(
        actor,
        Application.objects.select_related("pilgrim", "season", "company", "agent"),
    )
    lookup = Q(number=key)
    if is_whole_number(key):
        lookup |= Q(pk=int(key))
    return qs.filter(lookup).first()


def journey(app: Application) -> list[dict[str, Any]]:
    """The whole timeline of one pilgrim's application, in time order: the application's
    steps (applied, decided, issued, entered, departed, overstayed...) from its transition
    log, and every crossing presented at a port, accepted or refused."""
    items: list[dict[str, Any]] = []
    for t in app.transitions.all().order_by("at", "id"):
        occurred = (t.details or {}).get("occurred_at")
        items.append(
            {
                "kind": "step",
                "at": (parse_datetime(occurred) if occurred else None) or t.at,
                "name": t.name,
                "from_status": t.from_status,
                "to_status": t.to_status,
                "port_code": None,
                "direction": None,
                "outcome": None,
                "refusal_code": None,
            }
        )
    for c in Crossing.objects.filter(application=app).select_related("port"):
        items.append(
            {
                "kind": "crossing",
                "at": c.occurred_at,
                "name": c.direction,
                "from_status": None,
                "to_status": None,
                "port_code": c.port.code,
                "direction": c.direction,
                "outcome": c.outcome,
                "refusal_code": c.refusal_code,
            }
        )
    items.sort(key=lambda item: (item["at"], item["kind"]))
    return items


def carrier_check_list(actor: User) -> QuerySet[CarrierCheck]:
    org = actor.organization
    qs = CarrierCheck.objects.all()
    if org is None:
        return qs.none()
    if org.kind == OrganizationKind.CARRIER:
        return qs.filter(carrier_id=org.pk)
    if org.kind == OrganizationKind.MOI:
        return qs
    return qs.none()
