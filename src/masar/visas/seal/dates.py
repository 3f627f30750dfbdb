"""Dates in a seal: three bytes holding MMDDYYYY as an integer, in the kingdom's calendar day.

Doc 9303-13 writes a date as the integer made of the month, the day and the
four-digit year (25 March 1957 is 03251957, bytes ``31 9E F5``). Which day an
instant belongs to is decided in the issuing state's local time: Asia/Riyadh
(UTC+03:00, no daylight saving), the ``TIME_ZONE`` of Masar's settings.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from masar.visas.seal.errors import DATE, SealFormatError

#: The time zone that decides the calendar day of issue and signature dates.
KINGDOM_TZ: Final = ZoneInfo("Asia/Riyadh")


def date_encode(value: date) -> bytes:
    """Three bytes, big endian, of the integer MMDDYYYY."""
    return (value.month * 1_000_000 + value.day * 10_000 + value.year).to_bytes(3)


def date_decode(data: bytes) -> date:
    """The date in three bytes; :class:`SealFormatError` (``date``) when it is no date."""
    number = int.from_bytes(data)
    month, rest = divmod(number, 1_000_000)
    day, year = divmod(rest, 10_000)
    try:
        return date(year, month, day)
    except ValueError:
        raise SealFormatError(DATE, f"{data.hex()} is not a date (MMDDYYYY {number:08d})") from None


def kingdom_date(moment: datetime) -> date:
    """The calendar day of an aware ``moment`` in the kingdom."""
    return moment.astimezone(KINGDOM_TZ).date()


def kingdom_today() -> date:
    """Today in the kingdom."""
    return datetime.now(tz=KINGDOM_TZ).date()
