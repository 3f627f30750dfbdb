"""Reads of the border app, always scoped to the actor: a company sees its own pilgrims, an
agent its own, the ministry roles what the access matrix (`masar.accounts.access_matrix`)
gives their work."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from masar.accounts.access_matrix import Access, access
from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.applications import disclosure
from masar.applications.models import Application
from masar.applications.selectors import application_list
from masar.border.models import CarrierCheck, Crossing, Overstay, Port, Stay
from masar.core.params import is_whole_number


def _scope(actor: User, qs: QuerySet[Any], resource: str) -> QuerySet[Any]:
    org = actor.organization
    level = access(actor, resource)
    if level == Access.NONE:
        return qs.none()
    if level == Access.ALL:
        return qs
    if org is None:
        return qs.none()
    if org.kind == OrganizationKind.COMPANY:
        return qs.filter(company__organization_id=org.pk)
    if org.kind == OrganizationKind.AGENT:
        return qs.filter(agent__organization_id=org.pk)
    return qs.none()


def port_list() -> QuerySet[Port]:
    return Port.objects.filter(is_active=True).prefetch_related("terminals__lanes")


def overstay_list(actor: User) -> QuerySet[Overstay]:
    return _scope(
        actor,
        Overstay.objects.select_related(
            "application__pilgrim", "company__organization", "agent__organization", "season"
        ).select_related("escape_notice"),
        "overstays",
    )


def stay_list(actor: User) -> QuerySet[Stay]:
    return _scope(
        actor,
        Stay.objects.select_related(
            "application__pilgrim", "entry_port", "exit_port", "company", "agent"
        ),
        "stays",
    )


def crossing_list(actor: User) -> QuerySet[Crossing]:
    return _scope(actor, Crossing.objects.select_related("port", "application"), "crossings")


def application_for_journey(actor: User, key: str) -> Application | None:
    """The application a journey is asked for: by its number (e.g. A26000042) or, when all
    digits, by its id; None when the actor may not read it."""
    qs = application_list(actor=actor).select_related("season", "company", "agent")
    lookup = Q(number=key)
    if is_whole_number(key):
        lookup |= Q(pk=int(key))
    return qs.filter(lookup).first()


def journey(app: Application, actor: User | None) -> list[dict[str, Any]]:
    """The whole timeline of one pilgrim's application, in time order: the application's
    steps (applied, decided, issued, entered, departed, overstayed...) from its transition
    log, as the actor may see them (no tip-off of the security review to the company or the
    agent, `masar.applications.disclosure`), every crossing presented at a port,
    accepted or refused, and the stays at hotels and trips between the cities the actor
    may read (`masar.lodging`)."""
    from masar.lodging.selectors import journey_items

    items: list[dict[str, Any]] = []
    for t in app.transitions.select_related("actor__organization").order_by("at", "id"):
        step = disclosure.shown_step(actor, t)
        if step is None:
            continue
        occurred = (t.details or {}).get("occurred_at")
        items.append(
            {
                "kind": "step",
                "at": (parse_datetime(occurred) if occurred else None) or t.at,
                "name": step.name,
                "from_status": step.from_status,
                "to_status": step.to_status,
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
    if actor is not None:
        items.extend(journey_items(actor, app))
    items.sort(key=lambda item: (item["at"], item["kind"]))
    return items


def carrier_check_list(actor: User) -> QuerySet[CarrierCheck]:
    qs = CarrierCheck.objects.all()
    level = access(actor, "carrier_checks")
    if level == Access.ALL:
        return qs
    if level == Access.OWN and actor.organization is not None:
        return qs.filter(carrier_id=actor.organization.pk)
    return qs.none()
