"""Groups of pilgrims and their package."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.applications.error_codes import ApplicationsError
from masar.applications.lock_objects import group_lock
from masar.applications.models import Application, Group
from masar.applications.services.common import agent_of_actor
from masar.applications.states import ACTIVE_STATUSES
from masar.core.audit import audit_record
from masar.core.dates import riyadh_today
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.integration.services import event_emit
from masar.operators.models import Company, Contract, ContractStatus
from masar.seasons.models import Season

PACKAGE_FIELDS = (
    "hotel_contract_number",
    "makkah_hotel",
    "makkah_nights",
    "madinah_hotel",
    "madinah_nights",
    "ground_transport",
    "arrival_flight",
    "arrival_port",
    "arrival_date",
    "departure_flight",
    "departure_port",
    "departure_date",
)
_PORT_RE = re.compile(r"[A-Z]{3}")
_FLIGHT_RE = re.compile(r"[A-Z0-9]{2,3}\s?[0-9]{1,5}[A-Z]?")
MAX_NIGHTS = 365


def _clean_package(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in PACKAGE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name.endswith("_nights"):
            if value in (None, ""):
                value = 0
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors[name] = [_("A number of nights, zero or more.")]
            elif value > MAX_NIGHTS:
                errors[name] = [_("At most %d nights.") % MAX_NIGHTS]
        elif name.endswith("_date"):
            if value is not None and not isinstance(value, dt.date):
                errors[name] = [_("Write the date as YYYY-MM-DD.")]
        else:
            value = (value or "").strip()
            if name.endswith("_port"):
                value = value.upper()
                if value and not _PORT_RE.fullmatch(value):
                    errors[name] = [_("A port is its three-letter code, e.g. JED or MED.")]
            elif name.endswith("_flight"):
                value = value.upper()
                if value and not _FLIGHT_RE.fullmatch(value):
                    errors[name] = [_("A flight number such as SV 817.")]
        clean[name] = value
    arrival, departure = clean.get("arrival_date"), clean.get("departure_date")
    if isinstance(arrival, dt.date) and isinstance(departure, dt.date) and departure < arrival:
        errors["departure_date"] = [_("The return flight is before the arrival.")]
    if errors:
        raise ValidationFailed(
            ApplicationsError.INVALID_PACKAGE, _("The package is not valid."), fields=errors
        )
    return clean


def _package_payload(group: Group) -> dict[str, Any]:
    return {name: getattr(group, name) for name in PACKAGE_FIELDS}


@transaction.atomic
def group_create(
    *,
    actor: User,
    season: Season,
    company: Company,
    name: str,
    reference: str = "",
    **package: Any,
) -> Group:
    """An agent opens a group for a season, under its contract with `company`."""
    agent = agent_of_actor(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed(
            ApplicationsError.INVALID_PACKAGE,
            _("A group needs a name."),
            fields={"name": [_("This field is required.")]},
        )
    if not season.is_open:
        raise Conflict(
            ApplicationsError.SEASON_CLOSED,
            _("The season %s is closed.") % season.code,
            fields={"season_id": [_("Choose an open season.")]},
        )
    today = riyadh_today()
    has_contract = Contract.objects.filter(
        company=company, agent=agent, status=ContractStatus.ACTIVE, valid_until__gte=today
    ).exists()
    if not has_contract:
        raise ValidationFailed(
            ApplicationsError.NO_CONTRACT,
            _("Your agency has no active contract with this company."),
            fields={"company_id": [_("Choose a company you have a contract with.")]},
        )
    unknown = sorted(set(package) - set(PACKAGE_FIELDS))
    if unknown:
        raise ValidationFailed(
            ApplicationsError.INVALID_PACKAGE,
            _("Unknown package fields: %s") % ", ".join(unknown),
        )
    clean = _clean_package(package)
    group = Group.objects.create(
        agent=agent,
        company=company,
        season=season,
        name=name[:120],
        reference=reference.strip()[:40],
        created_by=actor,
        created_at=timezone.now(),
        **clean,
    )
    audit_record(
        actor=actor,
        action="group.created",
        target=group,
        details={
            "name": group.name,
            "season": season.code,
            "company_id": company.pk,
            "package": _package_payload(group),
        },
    )
    event_emit(
        type="group.created",
        subject=group,
        payload={
            "group_id": group.pk,
            "agent_id": agent.pk,
            "company_id": company.pk,
            "season_id": season.pk,
            "arrival_date": group.arrival_date,
            "departure_date": group.departure_date,
        },
        organizations=[agent.organization_id, company.organization_id],
    )
    return group


@transaction.atomic
def group_package_update(*, actor: User, group: Group, **package: Any) -> Group:
    """Change a group's package while none of its applications is active (submitted on)."""
    agent = agent_of_actor(actor)
    group = group_lock(group.pk)
    if group.agent_id != agent.pk:
        raise Forbidden(ApplicationsError.NOT_ALLOWED, _("This group belongs to another agent."))
    if Application.objects.filter(group=group, status__in=list(ACTIVE_STATUSES)).exists():
        raise Conflict(
            ApplicationsError.NOT_EDITABLE,
            _("The package cannot change once applications of the group are submitted."),
        )
    unknown = sorted(set(package) - set(PACKAGE_FIELDS))
    if unknown:
        raise ValidationFailed(
            ApplicationsError.INVALID_PACKAGE,
            _("Unknown package fields: %s") % ", ".join(unknown),
        )
    before = _package_payload(group)
    clean = _clean_package({**before, **package})  # checks the flights' order as a whole
    changed = [name for name, value in clean.items() if before[name] != value]
    if not changed:
        return group
    for name in changed:
        setattr(group, name, clean[name])
    group.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="group.package_changed",
        target=group,
        details={name: {"from": before[name], "to": clean[name]} for name in changed},
    )
    return group
