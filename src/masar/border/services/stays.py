"""The stay calculator (as the EU Entry/Exit System does it), in kingdom-local days.

At entry: the permitted date of departure is the earliest of the entry day plus the
maximum stay (the entry day counts as the first day of the stay), the visa's end and the
season's last exit date. At exit: the days stayed (entry and exit days both count) and the
days overstayed (kingdom-local days after the permitted departure, 0 when in time).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from masar.seasons.models import Season
from masar.visas.models import Visa


def kingdom_day(moment: dt.datetime) -> dt.date:
    """The calendar day of an aware moment in the kingdom (settings.TIME_ZONE)."""
    return timezone.localtime(moment).date()


def visa_end(visa: Visa) -> dt.date:
    """The last day the visa covers a stay.

    A Masar visa's `valid_until` is the last day on which it may be used for ENTRY (an
    unused visa lapses after it: docs/visas.md); a visa used in time covers the stay it
    grants from that entry. Its end is therefore the last entry day plus the stay."""
    return visa.valid_until + dt.timedelta(days=max(visa.stay_days, 1) - 1)


def permitted_departure(*, entered_at: dt.datetime, visa: Visa, season: Season) -> dt.date:
    """The last kingdom-local day on which the exit is allowed."""
    by_stay = kingdom_day(entered_at) + dt.timedelta(days=max(visa.stay_days, 1) - 1)
    return min(by_stay, visa_end(visa), season.last_exit_date)


def days_stayed(*, entered_at: dt.datetime, exited_at: dt.datetime) -> int:
    return (kingdom_day(exited_at) - kingdom_day(entered_at)).days + 1


def overstay_days(*, exited_at: dt.datetime, permitted: dt.date) -> int:
    return max((kingdom_day(exited_at) - permitted).days, 0)
