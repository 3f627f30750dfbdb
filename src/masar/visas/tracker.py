"""The pilgrim's tracker: an application found only by its number AND its passport number
(the same refusal for a wrong pair as for a missing value), its steps with their times in
both calendars, and its e-visa once issued."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masar.applications import disclosure
from masar.applications.models import Application
from masar.core.dates import hijri_display
from masar.core.errors import NotFound, ValidationFailed
from masar.visas.error_codes import VisasError
from masar.visas.models import Visa

# The steps a pilgrim sees, in the order of the journey: (timestamp field, label). Nothing
# times the security review: whoever knows the number and the passport (the agent too)
# sees it as "under review by the authorities" only (`masar.applications.disclosure`).
STEPS: tuple[tuple[str, Any], ...] = (
    ("submitted_at", gettext_lazy("Submitted by the agent")),
    ("company_decided_at", gettext_lazy("Decided by the Umrah company")),
    ("decided_at", gettext_lazy("Consular decision")),
    ("issued_at", gettext_lazy("E-visa issued")),
    ("entered_at", gettext_lazy("Entered the kingdom")),
    ("departed_at", gettext_lazy("Departed")),
    ("ended_at", gettext_lazy("Visa ended")),
    ("withdrawn_at", gettext_lazy("Withdrawn")),
)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    at: dt.datetime

    def to_dict(self) -> dict[str, str]:
        local = timezone.localtime(self.at)
        return {
            "step": self.key.removesuffix("_at"),
            "label": self.label,
            "at": self.at.isoformat(),
            "date": local.date().isoformat(),
            "hijri_ar": hijri_display(local.date(), "ar"),
            "hijri_en": hijri_display(local.date(), "en"),
        }


def _refused() -> NotFound:
    return NotFound(
        VisasError.APPLICATION_NOT_FOUND,
        _("No application matches this application number and passport number."),
        fields={"application": [_("Check both values.")], "passport": [_("Check both values.")]},
    )


def track_lookup(*, application: str | None, passport: str | None) -> Application:
    number = (application or "").strip().upper()
    passport_number = (passport or "").strip().upper()
    missing = {
        field: [_("This field is required.")]
        for field, value in (("application", number), ("passport", passport_number))
        if not value
    }
    if missing:
        # A request without both values is malformed (400), not a pair that matched nothing.
        raise ValidationFailed(
            VisasError.TRACK_VALUES_MISSING,
            _("Give both the application number and the passport number."),
            fields=missing,
        )
    app = (
        Application.objects.select_related("pilgrim", "season")
        .filter(number=number, pilgrim__passport_number=passport_number)
        .first()
    )
    if app is None:
        raise _refused()
    return app


def track_steps(app: Application) -> list[Step]:
    steps = [
        Step(field, str(label), getattr(app, field))
        for field, label in STEPS
        if getattr(app, field, None) is not None
    ]
    return sorted(steps, key=lambda s: s.at)


def track_visa(app: Application) -> Visa | None:
    return (
        Visa.objects.select_related("application__pilgrim", "season")
        .filter(application=app)
        .first()
    )


def track_payload(app: Application) -> dict[str, Any]:
    visa = track_visa(app)
    return {
        "application": app.number,
        "status": disclosure.shown_status(None, app.status),
        "status_label": disclosure.status_label(disclosure.shown_status(None, app.status)),
        "steps": [s.to_dict() for s in track_steps(app)],
        "visa": (
            {
                "number": visa.number,
                "status": visa.status,
                "valid_from": visa.valid_from.isoformat(),
                "valid_until": visa.valid_until.isoformat(),
            }
            if visa is not None
            else None
        ),
    }
