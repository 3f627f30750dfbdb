"""Carrier checks: an airline or carrier asks, before boarding, whether a passenger may
travel to the kingdom. The answer is only OK / NOT OK with a coarse code (`CarrierCode`: no
personal data, no detailed reason); every check is logged for the interior ministry with the
detailed refusal code and the passport kept as a digest, never in clear."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.border.error_codes import BorderError, carrier_code
from masar.border.models import CarrierCheck, CarrierResult, Crossing, Direction
from masar.border.services.crossings import (
    _document_reasons,
    _journey,
    kingdom_day,
    passport_digest,
)
from masar.core.audit import audit_record
from masar.core.errors import Forbidden, ValidationFailed
from masar.visas.models import Visa

OK_CODE = "ok"


@dataclass(frozen=True)
class CarrierAnswer:
    result: str
    code: str
    check: CarrierCheck


@transaction.atomic
def carrier_check(
    *,
    actor: User,
    passport_number: str,
    nationality: str,
    flight: str,
    departure_date: dt.date | None = None,
    arrival_port: str = "",
) -> CarrierAnswer:
    """May this passenger board a flight to the kingdom? Judged as an entry on the
    departure day (the visa, its window, revocation, already inside)."""
    org = actor.organization
    if (
        org is None
        or org.kind != OrganizationKind.CARRIER
        or not actor.has_role(Role.CARRIER_STAFF, Role.INTEGRATION)
    ):
        raise Forbidden(BorderError.NOT_A_CARRIER, _("Only carriers ask carrier checks."))
    passport_number = passport_number.strip().upper()
    nationality = nationality.strip().upper()
    flight = flight.strip().upper()
    errors: dict[str, list[str]] = {}
    if not passport_number:
        errors["passport_number"] = [_("This field is required.")]
    if len(nationality) != 3:
        errors["nationality"] = [_("A three-letter country code is required.")]
    if not flight:
        errors["flight"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(
            BorderError.INVALID_CROSSING, _("The check is incomplete."), fields=errors
        )
    now = timezone.now()
    at = now
    if departure_date is not None and departure_date != kingdom_day(now):
        at = timezone.make_aware(dt.datetime.combine(departure_date, dt.time(12, 0)))
    visa = (
        Visa.objects.select_related("application__pilgrim", "season")
        .filter(
            application__pilgrim__passport_number=passport_number,
            application__pilgrim__nationality=nationality,
        )
        .order_by("-issued_at", "-pk")
        .first()
    )
    reasons = _document_reasons(visa, Direction.ENTRY, at)
    if visa is not None and not reasons:
        probe = Crossing(client_event_id="\uffff", direction=Direction.ENTRY, occurred_at=at)
        journey = _journey([*Crossing.objects.filter(application=visa.application), probe])
        _outcome, code = journey.outcomes[id(probe)]
        if code:
            reasons.append(code)
    # The log keeps the detailed reason for the ministry; the carrier hears the coarse code.
    code = reasons[0] if reasons else OK_CODE
    result = CarrierResult.NOT_OK if reasons else CarrierResult.OK
    check = CarrierCheck.objects.create(
        carrier=org,
        checked_by=actor,
        flight=flight[:12],
        departure_date=departure_date,
        arrival_port=arrival_port.strip().upper()[:8],
        passport_digest=passport_digest(passport_number, nationality),
        nationality=nationality,
        result=result,
        code=code,
        application=visa.application if visa is not None else None,
        checked_at=now,
    )
    audit_record(
        actor=actor,
        action="carrier.check",
        target=check,
        details={"flight": check.flight, "result": result, "code": code},
    )
    return CarrierAnswer(result=result, code=str(carrier_code(code)), check=check)
