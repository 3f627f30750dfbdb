"""Every reason the scorer can write is in the analyst page's vocabulary (`reasons.py`).

`scoring` stays free of Django (ADR 0032), so its English reasons are written down a second
time, with their translations, in `screening/reasons.py`. These tests walk the scorer's
rules over their whole range and fail when a reason it can produce would be shown
untranslated on the Arabic page.
"""

from __future__ import annotations

import itertools

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from masar.screening.names import phonetic_key
from masar.screening.reasons import reason_text
from masar.screening.scoring import (
    birth_date_adjustment,
    disagreement_adjustment,
    encode_partial_date,
    identity_rule,
    nationality_adjustment,
    rarity_adjustment,
    token_similarity,
)

# Unknown, year only, year and month, full; the same day, another day, month and day
# swapped, one year apart, a few years, many years.
DATES = ["", "1980", "1981", "1984", "1990", "1980-03", "1980-04", "1980-03-14", "1980-03-15"]
DATES += ["1980-04-03", "1981-03-14", "1995-07-01"]


def _translated(reason: str) -> bool:
    with translation.override("ar"):
        shown = reason_text(reason)
    return bool(shown) and shown != reason


def test_every_birth_date_reason_is_translated():
    reasons = {
        birth_date_adjustment(encode_partial_date(a), encode_partial_date(b))[1]
        for a, b in itertools.product(DATES, repeat=2)
    }
    assert len(reasons) >= 9, reasons
    assert [r for r in sorted(reasons) if not _translated(r)] == []


def test_every_nationality_and_identity_reason_is_translated():
    reasons = {nationality_adjustment(a, b)[1] for a in ("", "PAK", "IDN") for b in ("", "PAK")}
    for complete in (True, False):
        for adjustment in (-4.0, 0.0, 2.0):
            reason = identity_rule(complete_name=complete, nationality_adjustment=adjustment)[1]
            if reason:
                reasons.add(reason)
    assert len(reasons) == 4, reasons
    assert [r for r in sorted(reasons) if not _translated(r)] == []


@given(st.floats(min_value=0.0, max_value=60.0), st.integers(min_value=1, max_value=10**7))
def test_every_rarity_reason_is_translated(evidence, population):
    assert _translated(rarity_adjustment(evidence, population)[1])


def test_every_way_of_pairing_tokens_is_translated():
    pairs = [("muhammad", "muhammad"), ("muhammad", "mohamed"), ("qahtani", "qahtany")]
    pairs += [("khalid", "golnaz"), ("rahman", "rahmat")]
    hows = {token_similarity(a, phonetic_key(a), b, phonetic_key(b))[1] for a, b in pairs}
    assert hows == {"exact", "phonetic", "fuzzy", "none"}, hows
    assert [h for h in sorted(hows) if not _translated(h)] == []


def test_every_disagreement_reason_is_translated():
    reasons = {disagreement_adjustment(q, e)[1] for q in range(6) for e in range(6)}
    assert len(reasons) == 6, reasons
    assert [r for r in sorted(reasons) if not _translated(r)] == []
