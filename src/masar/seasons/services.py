"""Writes for seasons, their rules and quotas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.permissions import is_licensing_staff
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.integration.services import event_emit
from masar.operators.models import Agent, Company
from masar.seasons.error_codes import SeasonsError
from masar.seasons.models import CALENDAR_FIELDS, Quota, QuotaHolder, Season, SeasonRules

# Rule settings a ministry may change through the API, with their types.
RULE_FIELDS: dict[str, type] = {
    f.name: (
        bool
        if isinstance(f, models.BooleanField)
        else Decimal
        if isinstance(f, models.DecimalField)
        else list
        if isinstance(f, models.JSONField)
        else int
    )
    for f in SeasonRules._meta.get_fields()
    if isinstance(f, models.Field) and f.name not in {"id", "season"}
}


def _require_ministry(actor: User | None) -> None:
    if actor is not None and not is_licensing_staff(actor):
        raise Forbidden(
            SeasonsError.NOT_ALLOWED,
            _("Only the ministry of Hajj and Umrah sets seasons, rules and quotas."),
        )


def _check_calendar(dates: dict[str, dt.date]) -> None:
    ordered = ["starts_on", "visas_from", "last_visa_date", "last_entry_date", "last_exit_date"]
    ordered.append("ends_on")
    fields: dict[str, list[str]] = {}
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if dates[later] < dates[earlier]:
            fields[later] = [_("Must be on or after %s.") % earlier]
    if dates["contracts_due"] > dates["visas_from"]:
        fields["contracts_due"] = [_("Must be on or before visas_from.")]
    if not (dates["visas_from"] <= dates["last_agent_approval"] <= dates["last_visa_date"]):
        fields["last_agent_approval"] = [_("Must fall between visas_from and last_visa_date.")]
    if fields:
        raise ValidationFailed(
            SeasonsError.CALENDAR_ORDER,
            _("The season's dates are not in the order of the journey."),
            fields=fields,
        )


def _clean_rules(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(RULE_FIELDS))
    if unknown:
        raise ValidationFailed(
            SeasonsError.UNKNOWN_RULE,
            _("Unknown rule settings: %s") % ", ".join(unknown),
            fields={name: [_("Not a rule setting.")] for name in unknown},
        )
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in changes.items():
        kind = RULE_FIELDS[name]
        try:
            if kind is bool:
                if not isinstance(value, bool):
                    raise TypeError
                clean[name] = value
            elif kind is int:
                if isinstance(value, bool) or int(value) != value or int(value) < 0:
                    raise TypeError
                clean[name] = int(value)
            elif kind is Decimal:
                number = Decimal(str(value))
                if number < 0:
                    raise TypeError
                clean[name] = number
            else:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise TypeError
                clean[name] = value
        except (TypeError, ValueError, ArithmeticError):
            errors[name] = [_("Expected a non-negative %s.") % kind.__name__]
    if errors:
        raise ValidationFailed(
            SeasonsError.INVALID_RULE_VALUE, _("Some rule settings are not valid."), fields=errors
        )
    return clean


@transaction.atomic
def season_create(
    *,
    actor: User | None,
    code: str,
    kind: str,
    hijri_year: int,
    name_en: str,
    name_ar: str,
    rules: dict[str, Any] | None = None,
    **dates: dt.date,
) -> Season:
    """Create a season with its calendar (Gregorian dates of Umm al-Qura days) and rules."""
    _require_ministry(actor)
    missing = [f for f in CALENDAR_FIELDS if f not in dates]
    if missing:
        raise ValidationFailed(
            SeasonsError.CALENDAR_ORDER,
            _("Every date of the season's calendar is required."),
            fields={name: [_("Required.")] for name in missing},
        )
    _check_calendar(dates)
    clean_rules = _clean_rules(rules or {})
    if Season.objects.filter(code=code).exists():
        raise Conflict(
            SeasonsError.CODE_TAKEN,
            _("A season with this code exists."),
            fields={"code": [_("Already taken.")]},
        )
    season = Season.objects.create(
        code=code, kind=kind, hijri_year=hijri_year, name_en=name_en, name_ar=name_ar, **dates
    )
    SeasonRules.objects.create(season=season, **clean_rules)
    audit_record(
        actor=actor,
        action="season.created",
        target=season,
        details={"code": code, "kind": kind, "dates": dates, "rules": clean_rules},
    )
    event_emit(
        type="season.created",
        subject=season,
        payload={
            "season_id": season.pk,
            "code": code,
            "kind": kind,
            "starts_on": season.starts_on,
            "ends_on": season.ends_on,
        },
    )
    return season


@transaction.atomic
def season_rules_update(
    *, actor: User | None, season: Season, changes: dict[str, Any]
) -> SeasonRules:
    _require_ministry(actor)
    clean = _clean_rules(changes)
    rules = SeasonRules.objects.select_for_update().get(season=season)
    before = {name: getattr(rules, name) for name in clean}
    for name, value in clean.items():
        setattr(rules, name, value)
    if clean:
        rules.save(update_fields=list(clean))
        diff = {name: {"from": before[name], "to": clean[name]} for name in clean}
        audit_record(actor=actor, action="season.rules_changed", target=season, details=diff)
        event_emit(
            type="season.rules_changed",
            subject=season,
            payload={"season_id": season.pk, "changes": diff},
        )
    return rules


@transaction.atomic
def quota_set(
    *,
    actor: User | None,
    season: Season,
    limit: int,
    company: Company | None = None,
    agent: Agent | None = None,
    country: str = "",
) -> Quota:
    """Set (or change) the quota of exactly one holder. A limit below what is used is refused."""
    _require_ministry(actor)
    holders = [h for h in (company, agent, country or None) if h is not None]
    if len(holders) != 1:
        raise ValidationFailed(
            SeasonsError.QUOTA_HOLDER,
            _("Name exactly one holder: a company, an agent or a country."),
        )
    if limit < 0:
        raise ValidationFailed(
            SeasonsError.QUOTA_BELOW_USED,
            _("A quota cannot be negative."),
            fields={"limit": [_("Must be zero or more.")]},
        )
    lookup: dict[str, Any]
    if company is not None:
        holder_type, lookup = QuotaHolder.COMPANY, {"company": company}
    elif agent is not None:
        holder_type, lookup = QuotaHolder.AGENT, {"agent": agent}
    else:
        holder_type, lookup = QuotaHolder.COUNTRY, {"country": country.upper()}
    quota = (
        Quota.objects.select_for_update()
        .filter(season=season, holder_type=holder_type, **lookup)
        .first()
    )
    if quota is None:
        quota = Quota.objects.create(season=season, holder_type=holder_type, limit=limit, **lookup)
        before = None
    else:
        if limit < quota.used:
            raise Conflict(
                SeasonsError.QUOTA_BELOW_USED,
                _("%(used)d places are already used; the quota cannot go below that.")
                % {"used": quota.used},
                fields={"limit": [_("At least %d.") % quota.used]},
            )
        before = quota.limit
        quota.limit = limit
        quota.save(update_fields=["limit"])
    organization = company.organization if company else (agent.organization if agent else None)
    audit_record(
        actor=actor,
        action="quota.set",
        target=quota,
        organization=organization,
        details={
            "holder_type": holder_type,
            "holder": quota.holder_label,
            "from": before,
            "to": limit,
        },
    )
    event_emit(
        type="quota.set",
        subject=quota,
        payload={
            "quota_id": quota.pk,
            "season_id": season.pk,
            "holder_type": holder_type,
            "holder": quota.holder_label,
            "limit": limit,
        },
        organizations=[organization],
    )
    return quota


def quota_consume(*, quota_ids: list[int], amount: int = 1) -> bool:
    """Take `amount` places from every quota named, all or none, in the caller's transaction.

    One conditional UPDATE per quota (`used + amount <= limit`) is atomic on SQLite and
    PostgreSQL alike, so concurrent submitters can never push a quota over its limit.
    Returns False (and takes nothing, once the caller's transaction rolls back) when any
    quota is full.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("quota_consume must run inside transaction.atomic")
    for quota_id in sorted(quota_ids):  # a fixed order avoids deadlocks between submitters
        updated = Quota.objects.filter(pk=quota_id, used__lte=models.F("limit") - amount).update(
            used=models.F("used") + amount
        )
        if not updated:
            return False
    return True


def quota_release(*, quota_ids: list[int], amount: int = 1) -> None:
    """Give places back (a withdrawn or rejected application)."""
    for quota_id in sorted(quota_ids):
        Quota.objects.filter(pk=quota_id, used__gte=amount).update(used=models.F("used") - amount)
