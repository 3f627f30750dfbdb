"""Dates in the Umm al-Qura Hijri calendar and the Gregorian calendar.

Seasons are set in Hijri dates; the database keeps the Gregorian equivalent so that
ordinary date queries work, and every page shows both.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from hijridate import Gregorian, Hijri

from masar.core.error_codes import CoreError
from masar.core.errors import ValidationFailed

HIJRI_MONTHS_EN = (
    "Muharram",
    "Safar",
    "Rabi' al-Awwal",
    "Rabi' al-Thani",
    "Jumada al-Ula",
    "Jumada al-Akhirah",
    "Rajab",
    "Sha'ban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qa'dah",
    "Dhu al-Hijjah",
)
HIJRI_MONTHS_AR = (
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
)
_HIJRI_TEXT = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\s*(H|AH|هـ)?$", re.I)


def to_hijri(value: dt.date) -> tuple[int, int, int]:
    h = Gregorian(value.year, value.month, value.day).to_hijri()
    return h.year, h.month, h.day


def from_hijri(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of an Umm al-Qura date; a clear error outside the calendar's range."""
    try:
        return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError) as exc:
        raise ValidationFailed(
            CoreError.INVALID_DATE,
            _("%(y)04d-%(m)02d-%(d)02d is not a date of the Umm al-Qura calendar: %(e)s")
            % {"y": year, "m": month, "d": day, "e": exc},
        ) from exc


def parse_hijri(text: str) -> dt.date:
    """Parse `1447-10-15` (optionally followed by H/AH/هـ) into the Gregorian date."""
    match = _HIJRI_TEXT.match(text.strip())
    if not match:
        raise ValidationFailed(
            CoreError.INVALID_DATE,
            _("Write a Hijri date as YYYY-MM-DD, for example 1447-10-15."),
        )
    return from_hijri(int(match["y"]), int(match["m"]), int(match["d"]))


def hijri_iso(value: dt.date) -> str:
    y, m, d = to_hijri(value)
    return f"{y:04d}-{m:02d}-{d:02d}"


def hijri_display(value: dt.date, language: str | None = None) -> str:
    y, m, d = to_hijri(value)
    lang = (language or get_language() or "ar")[:2]
    if lang == "ar":
        return f"{d} {HIJRI_MONTHS_AR[m - 1]} {y} هـ"
    return f"{d} {HIJRI_MONTHS_EN[m - 1]} {y} AH"


def both_calendars(value: dt.date | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return f"{hijri_display(value, language)} ({value.isoformat()})"


def riyadh_today() -> dt.date:
    """Today in the kingdom's local time: it decides which day an event belongs to."""
    from django.utils import timezone

    return timezone.localdate()
