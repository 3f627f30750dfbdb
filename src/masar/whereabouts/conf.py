"""The whereabouts sweep's time limits: Django settings, with these defaults.

`WHEREABOUTS_CHECK_IN_HOURS`: hours after the entry by which a pilgrim must be checked in at
a hotel. `WHEREABOUTS_ONWARD_HOURS`: hours after a check-out by which the pilgrim must be
checked in elsewhere, have boarded a trip or have left the kingdom.
`WHEREABOUTS_ANSWER_HOURS`: hours the company has to answer an alert before it is escalated
to the ministries.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

DEFAULTS = {
    "WHEREABOUTS_CHECK_IN_HOURS": 24,
    "WHEREABOUTS_ONWARD_HOURS": 12,
    "WHEREABOUTS_ANSWER_HOURS": 24,
}


def _hours(name: str) -> timedelta:
    return timedelta(hours=int(getattr(settings, name, DEFAULTS[name])))


def check_in_within() -> timedelta:
    return _hours("WHEREABOUTS_CHECK_IN_HOURS")


def onward_within() -> timedelta:
    return _hours("WHEREABOUTS_ONWARD_HOURS")


def answer_within() -> timedelta:
    return _hours("WHEREABOUTS_ANSWER_HOURS")
