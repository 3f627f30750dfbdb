"""Watchlists: creating them and changing their settings (threshold, service level,
activity). Loading files into them is `imports`."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.core.audit import audit_record
from masar.core.errors import Conflict, ValidationFailed
from masar.integration.services import event_emit
from masar.screening.access import require_screening_analyst
from masar.screening.error_codes import ScreeningError
from masar.screening.lock_objects import watchlist_lock
from masar.screening.models import Watchlist

SETTING_FIELDS = ("title", "description", "threshold", "review_sla_hours", "is_active")


def _settings_payload(watchlist: Watchlist) -> dict[str, Any]:
    return {
        "watchlist_id": watchlist.pk,
        "name": watchlist.name,
        "threshold": watchlist.threshold,
        "review_sla_hours": watchlist.review_sla_hours,
        "is_active": watchlist.is_active,
    }


def _check_settings(values: dict[str, Any]) -> None:
    fields: dict[str, list[str]] = {}
    threshold = values.get("threshold")
    if threshold is not None and not 50.0 <= float(threshold) <= 100.0:
        fields["threshold"] = [_("The threshold is a score between 50 and 100.")]
    sla = values.get("review_sla_hours")
    if sla is not None and not 1 <= int(sla) <= 24 * 30:
        fields["review_sla_hours"] = [_("Between 1 and 720 hours.")]
    if fields:
        raise ValidationFailed(
            ScreeningError.INVALID_WATCHLIST, _("Some settings are not valid."), fields=fields
        )


@transaction.atomic
def watchlist_create(
    *,
    actor: User | None,
    name: str,
    title: str = "",
    description: str = "",
    threshold: float | None = None,
    review_sla_hours: int | None = None,
    is_active: bool = True,
) -> Watchlist:
    """Create an empty list (version 0); load a file into it to fill it."""
    require_screening_analyst(actor)
    values: dict[str, Any] = {"title": title, "description": description, "is_active": is_active}
    if threshold is not None:
        values["threshold"] = float(threshold)
    if review_sla_hours is not None:
        values["review_sla_hours"] = int(review_sla_hours)
    _check_settings(values)
    if Watchlist.objects.filter(name=name).exists():
        raise Conflict(
            ScreeningError.WATCHLIST_EXISTS,
            _("A watchlist named %(name)s exists already.") % {"name": name},
            fields={"name": [_("This name is taken.")]},
        )
    try:
        with transaction.atomic():
            watchlist = Watchlist.objects.create(name=name, created_by=actor, **values)
    except IntegrityError:
        raise Conflict(
            ScreeningError.WATCHLIST_EXISTS,
            _("A watchlist named %(name)s exists already.") % {"name": name},
            fields={"name": [_("This name is taken.")]},
        ) from None
    audit_record(
        actor=actor,
        action="watchlist.create",
        target=watchlist,
        details=_settings_payload(watchlist),
    )
    event_emit(type="watchlist.created", subject=watchlist, payload=_settings_payload(watchlist))
    return watchlist


@transaction.atomic
def watchlist_update(*, actor: User | None, watchlist: Watchlist, **changes: Any) -> Watchlist:
    """Change a list's settings (title, description, threshold, review_sla_hours, is_active)."""
    require_screening_analyst(actor)
    unknown = sorted(set(changes) - set(SETTING_FIELDS))
    if unknown:
        raise ValidationFailed(
            ScreeningError.INVALID_WATCHLIST,
            _("Unknown settings: %s") % ", ".join(unknown),
            fields={name: [_("Not a setting of a watchlist.")] for name in unknown},
        )
    _check_settings(changes)
    locked = watchlist_lock(watchlist.pk)
    diff: dict[str, list[Any]] = {}
    for name, value in changes.items():
        if getattr(locked, name) != value:
            diff[name] = [getattr(locked, name), value]
            setattr(locked, name, value)
    if not diff:
        return locked
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*diff, "updated_at"])
    audit_record(actor=actor, action="watchlist.update", target=locked, details={"changes": diff})
    event_emit(
        type="watchlist.updated",
        subject=locked,
        payload={**_settings_payload(locked), "changes": diff},
    )
    return locked
