"""Bans: a person barred from visas until a date. The border and compliance apps add them
(after an overstay, for the season's `overstay_ban_years`); security analysts too."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.core.audit import audit_record
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.integration.services import event_emit
from masar.screening.countries import normalize_country
from masar.screening.error_codes import ScreeningError
from masar.screening.lock_objects import ban_lock
from masar.screening.models import Ban, BanSource


def _require_ministry(actor: User | None) -> None:
    if actor is None:
        return
    org = actor.organization
    if org is None or not org.is_ministry:
        raise Forbidden(ScreeningError.NOT_ALLOWED, _("Only the ministries can bar a person."))


@transaction.atomic
def ban_create(
    *,
    actor: User | None,
    reason: str,
    passport_issuing_state: str = "",
    passport_number: str = "",
    full_name: str = "",
    birth_date: dt.date | None = None,
    nationality: str = "",
    until: dt.date | None = None,
    source: str = BanSource.SECURITY,
) -> Ban:
    """Bar a person, named by passport, or by full name and birth date (or both)."""
    _require_ministry(actor)
    passport_number = passport_number.strip().upper()
    passport_issuing_state = (normalize_country(passport_issuing_state) or "")[:3]
    full_name = " ".join(full_name.split())
    reason = reason.strip()
    fields: dict[str, list[str]] = {}
    if not reason:
        fields["reason"] = [_("This field is required.")]
    if not passport_number and not (full_name and birth_date):
        fields["passport_number"] = [
            _("Name the person by passport, or by full name and birth date.")
        ]
    if passport_number and not passport_issuing_state:
        fields["passport_issuing_state"] = [_("The passport's issuing state is required.")]
    if source not in BanSource.values:
        fields["source"] = [_("Unknown source.")]
    if fields:
        raise ValidationFailed(
            ScreeningError.INVALID_BAN, _("The ban is not valid."), fields=fields
        )
    ban = Ban.objects.create(
        passport_issuing_state=passport_issuing_state,
        passport_number=passport_number,
        full_name=full_name,
        birth_date=birth_date,
        nationality=(normalize_country(nationality) or "")[:3],
        until=until,
        reason=reason,
        source=source,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="ban.create",
        target=ban,
        details={
            "passport": f"{passport_issuing_state}:{passport_number}" if passport_number else "",
            "full_name": full_name,
            "birth_date": birth_date,
            "until": until,
            "reason": reason,
            "source": source,
        },
    )
    event_emit(
        type="ban.created",
        subject=ban,
        payload={"ban_id": ban.pk, "source": source, "until": until},
    )
    return ban


@transaction.atomic
def ban_lift(*, actor: User | None, ban: Ban, reason: str) -> Ban:
    """End a ban before its date."""
    _require_ministry(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            ScreeningError.REASON_REQUIRED,
            _("A reason is required."),
            fields={"reason": [_("This field is required.")]},
        )
    locked = ban_lock(ban.pk)
    if locked.lifted_at is not None:
        raise Conflict(ScreeningError.BAN_LIFTED, _("This ban was lifted already."))
    locked.lifted_at = timezone.now()
    locked.lifted_by = actor
    locked.lift_reason = reason
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_record(actor=actor, action="ban.lift", target=locked, details={"reason": reason})
    event_emit(type="ban.lifted", subject=locked, payload={"ban_id": locked.pk, "reason": reason})
    return locked
