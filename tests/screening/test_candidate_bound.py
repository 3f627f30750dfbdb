"""Candidate selection keeps the entries a misspelt rare token would otherwise hide.

The blocking admits candidates only from key-pair lists that can lead to a hit (see
`blocking.CandidateSelection._candidates`). A query token outside a set of key-matched
tokens may still pair with an entry token by spelling alone (Tathih/Tadhidh: keys TS and
TDD, two edits apart), so the bound credits it (`SPELLING_ONLY_CREDIT`). Without that
credit, a query whose common tokens match and whose rare last token is misspelt lost its
entry before scoring, though it scored well above the threshold (four planted applicants of
the million-name benchmark, ADR 0039b).
"""

from __future__ import annotations

import itertools

import pytest

from masar.screening.matching import MatchIndex, WatchlistRecord

# Filler names of three syllables: many distinct tokens, none of them frequent, so that the
# list's token weights look like a large list's: "Khalid" common, "Abdulaziz" fairly
# common, "Tathih" (the typo's key) rare.
_SYLLABLES = ["ba", "ru", "mo", "ne", "vi", "lo", "pa", "gu", "ze", "fi", "wo", "ye"]
_TOKENS = ["".join(p).capitalize() for p in itertools.product(_SYLLABLES, repeat=3)]


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    records = [
        WatchlistRecord("LISTED", ["Khalid Sultan Abdel Aziz Tadhidh"], "1956-11-17", None),
        WatchlistRecord("OTHER", ["Tathih Bamone"], "1990-01-01", "EGY"),
    ]
    for i in range(2000):
        first = "Khalid" if i % 29 == 0 else _TOKENS[(7 * i) % len(_TOKENS)]
        middle = "Abdulaziz" if i % 87 == 0 else ""
        last = _TOKENS[(13 * i + 5) % len(_TOKENS)]
        name = " ".join(part for part in (first, middle, last) if part)
        records.append(WatchlistRecord(f"F{i}", [name], "1970", "SAU"))
    return MatchIndex.build(records)


def test_a_misspelt_rare_last_name_does_not_hide_the_entry(index):
    hits = index.search("Khalid Abdul 'aziz Tathih", birth_date="1956-11-17", nationality="EGY")
    assert [h.entry_id for h in hits] == ["LISTED"]
    explanation = hits[0].explain()
    pairs = {(p["query_token"], p["entry_token"], p["how"]) for p in explanation["token_pairs"]}
    assert ("tathih", "tadhidh", "fuzzy") in pairs


def test_the_same_query_with_a_different_birth_year_is_not_raised(index):
    assert index.search("Khalid Abdul 'aziz Tathih", birth_date="1990-01-01") == []
