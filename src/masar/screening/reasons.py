"""The reasons of a score, in the reader's language.

`scoring` and `matching` stay free of Django (ADR 0032), so the explanation a hit stores —
the one the API returns — holds English reasons from a fixed vocabulary. The analyst's
page shows them through `reason_text`, translated; a reason outside the vocabulary (an
older record) is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

_FIXED = {
    # How two name parts were paired.
    "exact": gettext_lazy("same spelling"),
    "phonetic": gettext_lazy("same sound"),
    "fuzzy": gettext_lazy("close spelling"),
    "none": gettext_lazy("not paired"),
    # Birth date.
    "birth date not compared": gettext_lazy("birth date not compared"),
    "same birth year": gettext_lazy("same birth year"),
    "same birth year and month": gettext_lazy("same birth year and month"),
    "same birth date": gettext_lazy("same birth date"),
    "same birth month, different day": gettext_lazy("same birth month, different day"),
    "same birth date with day and month swapped": gettext_lazy(
        "same birth date with day and month swapped"
    ),
    "same birth year, different month": gettext_lazy("same birth year, different month"),
    # Nationality.
    "nationality not compared": gettext_lazy("nationality not compared"),
    "same nationality": gettext_lazy("same nationality"),
    "different nationality": gettext_lazy("different nationality"),
    "different nationality and a partial name": gettext_lazy(
        "different nationality and a partial name"
    ),
    # Name parts that disagree.
    "no name part disagrees": gettext_lazy("no name part disagrees"),
    # Name rarity.
    "specific enough for the list size": gettext_lazy("specific enough for the list size"),
    # Hits that are not name matches.
    "same passport": gettext_lazy("same passport"),
    "same birth date, similar name": gettext_lazy("same birth date, similar name"),
    "the same passport was refused on security grounds": gettext_lazy(
        "the same passport was refused on security grounds"
    ),
}


def _years(match: re.Match[str]) -> str:
    return _("birth years differ by %(years)s") % {"years": number_format(int(match[1]))}


def _chance(match: re.Match[str]) -> str:
    value = float(match[1])
    places = 0 if value >= 10 else 1 if value >= 1 else 2
    return _("about %(count)s chance matches of this strength expected in the list") % {
        "count": number_format(value, decimal_pos=places)
    }


def _disagree(match: re.Match[str]) -> str:
    count = int(match[1])
    return ngettext("%(count)s name part disagrees", "%(count)s name parts disagree", count) % {
        "count": number_format(count)
    }


_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"birth years differ by (\d+)"), _years),
    (re.compile(r"(\d+) name parts? disagrees?"), _disagree),
    (re.compile(r"~([0-9.e+-]+) chance matches of this strength expected in the list"), _chance),
]


def reason_text(reason: str) -> str:
    """A stored reason in the active language (as stored when it is not one of ours)."""
    fixed = _FIXED.get(reason)
    if fixed is not None:
        return str(fixed)
    for pattern, render in _PATTERNS:
        match = pattern.fullmatch(reason)
        if match:
            return render(match)
    return reason
