from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from masar.core.dates import hijri_iso, parse_hijri
from masar.core.errors import MasarError


@extend_schema_field(
    {
        "type": "string",
        "description": "A Gregorian date (2026-03-20) or an Umm al-Qura Hijri date "
        "(1447-10-01, a year before 1600 is read as Hijri).",
        "example": "1447-10-15",
    }
)
class CalendarDateField(serializers.Field):
    """Accepts a Gregorian or an Umm al-Qura date; gives back the Gregorian date."""

    def to_internal_value(self, data: Any) -> dt.date:
        text = str(data).strip()
        try:
            year = int(text[:4])
        except ValueError:
            raise serializers.ValidationError(_("Write the date as YYYY-MM-DD.")) from None
        if year < 1600:
            try:
                return parse_hijri(text)
            except MasarError as exc:
                raise serializers.ValidationError(str(exc.message)) from None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise serializers.ValidationError(_("Write the date as YYYY-MM-DD.")) from None

    def to_representation(self, value: dt.date) -> str:
        return value.isoformat()


class BothCalendarsSerializer(serializers.Serializer):
    gregorian = serializers.DateField()
    hijri = serializers.CharField()


def both_calendars(value: dt.date) -> dict[str, str]:
    return {"gregorian": value.isoformat(), "hijri": hijri_iso(value)}
