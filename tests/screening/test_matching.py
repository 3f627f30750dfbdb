"""Watchlist matching index (pure Python, no Django)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masar.screening.countries import normalize_country
from masar.screening.matching import (
    DEFAULT_THRESHOLD,
    Hit,
    MatchIndex,
    WatchlistRecord,
    name_similarity,
)
from masar.screening.scoring import (
    NAME_PART_DISAGREES,
    RARITY_MAX,
    birth_date_adjustment,
    disagreement_adjustment,
    encode_partial_date,
    key_similarity,
    rarity_adjustment,
    text_similarity,
    token_similarity,
)

RECORDS = [
    WatchlistRecord(
        "E1",
        ["Mohammed Ahmed Saleh Al-Qahtani", "محمد أحمد صالح القحطاني"],
        "1980-05-12",
        "SA",
    ),
    WatchlistRecord("E2", ["Abd al-Rahman Hussein Al-Dosari"], "1975", "IRQ"),
    WatchlistRecord("E3", ["Mohammed Ahmed Saleh"], "1980-02-03", "YEM"),
    WatchlistRecord("E4", ["Fatima Zahra Benali", "Fatimah Zohra Ben Ali"], "1990-07-01", "MAR"),
    WatchlistRecord("E5", ["Suharto"], None, "ID"),
    WatchlistRecord("E6", ["Usman Ghani Khan Niazi"], "1966-11-30", "PK"),
    WatchlistRecord("E7", ["Yusuf Abdullahi Warsame"], "1985-03-15", None),
    WatchlistRecord("E8", ["Mehmet Ali Yılmaz"], "1971", "TR"),
]


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(RECORDS)


def ids(hits: list[Hit]) -> list[str]:
    return [h.entry_id for h in hits]


# -------------------------------------------------------------------- matches


@pytest.mark.parametrize(
    ("query", "birth_date", "expected"),
    [
        ("Mohammed Ahmed Saleh Al-Qahtani", "1980-05-12", "E1"),
        ("محمد احمد صالح القحطاني", "1980-05-12", "E1"),  # Arabic script
        ("Muhammad Ahmad Salih Alqahtani", "1980", "E1"),  # spelling, birth year only
        ("Al-Qahtani Mohamed Saleh Ahmad", "1980-05-12", "E1"),  # order
        ("Mohammed Saleh Al-Qahtani", "1980-05-12", "E1"),  # missing middle name
        ("Mohammed Ahmed Saleh Al-Qahtanu", "1980-05-12", "E1"),  # typo
        ("Mohammed Ahmed Saleh Al-Qathani", "1980-05-12", "E1"),  # swapped letters
        ("Abdulrahman Husain Dosari", "1975-08-01", "E2"),
        ("Abdel Rahman Hosein El Dawsari", "1975", "E2"),
        ("عبدالرحمن حسين الدوسري", None, "E2"),
        ("Fatimah Zohra Ben Ali", "1990-07-01", "E4"),
        ("Suharto", "1950-06-08", "E5"),
        ("Osman Ghani Khan Niyazi", "1966-11-30", "E6"),
        ("Yousef Abdullahi Warsame", "1985-03-15", "E7"),
        ("Mehmet Ali Yilmaz", "1971-01-01", "E8"),
    ],
)
def test_variants_match(
    index: MatchIndex, query: str, birth_date: str | None, expected: str
) -> None:
    hits = index.search(query, birth_date=birth_date)
    assert hits, query
    assert hits[0].entry_id == expected
    assert hits[0].score >= DEFAULT_THRESHOLD


def test_different_people_with_a_common_first_name_do_not_match(index: MatchIndex) -> None:
    hits = index.search("Mohammed Ali Hassan", birth_date="1980")
    assert hits == []
    scored = index.search("Mohammed Ali Hassan", birth_date="1980", threshold=0)
    assert all(h.score < DEFAULT_THRESHOLD for h in scored)


def test_same_name_born_twenty_years_apart_does_not_match(index: MatchIndex) -> None:
    hits = index.search("Mohammed Ahmed Saleh Al-Qahtani", birth_date="2000-05-12")
    assert "E1" not in ids(hits)
    scored = index.search("Mohammed Ahmed Saleh Al-Qahtani", birth_date="2000-05-12", threshold=0)
    e1 = next(h for h in scored if h.entry_id == "E1")
    assert e1.name_score == pytest.approx(100.0)
    assert e1.birth_date_adjustment < 0
    assert e1.score < DEFAULT_THRESHOLD


def test_birth_date_separates_namesakes(index: MatchIndex) -> None:
    # E1 and E3 share "Mohammed Ahmed Saleh"; the birth date picks E3.
    hits = index.search("Mohammed Ahmed Saleh", birth_date="1980-02-03")
    assert ids(hits)[0] == "E3"
    assert hits[0].birth_date_reason == "same birth date"


def test_nationality_codes_are_normalized(index: MatchIndex) -> None:
    alpha3 = index.search("Mohammed Ahmed Saleh Al-Qahtani", nationality="SAU")[0]
    alpha2 = index.search("Mohammed Ahmed Saleh Al-Qahtani", nationality="sa")[0]
    assert alpha3.nationality_adjustment == alpha2.nationality_adjustment > 0
    other = index.search("Mohammed Ahmed Saleh Al-Qahtani", nationality="EGY")[0]
    assert other.nationality_adjustment < 0
    assert other.score < alpha3.score
    assert normalize_country(" pk ") == "PAK"
    assert normalize_country("D") == "D"
    assert normalize_country("") is None


def test_best_alias_per_entry_and_limit(index: MatchIndex) -> None:
    hits = index.search("Fatimah Zohra Ben Ali", birth_date="1990-07-01")
    assert ids(hits).count("E4") == 1
    assert hits[0].matched_alias == "Fatimah Zohra Ben Ali"
    assert index.search("Mohammed Ahmed Saleh", threshold=0, limit=1)[0].entry_id in {"E1", "E3"}
    assert len(index.search("Mohammed Ahmed Saleh", threshold=0, limit=1)) == 1
    assert index.search("Mohammed Ahmed Saleh", limit=0) == []


def test_birth_date_forms(index: MatchIndex) -> None:
    as_date = index.search("Mohammed Ahmed Saleh Al-Qahtani", birth_date=date(1980, 5, 12))[0]
    as_text = index.search("Mohammed Ahmed Saleh Al-Qahtani", birth_date="1980-05-12")[0]
    assert as_date.score == as_text.score
    with pytest.raises(ValueError, match="YYYY"):
        index.search("Mohammed", birth_date="12/05/1980")
    with pytest.raises(ValueError):
        index.search("Mohammed", birth_date="1980-02-30")


def test_explanation_is_json_serializable(index: MatchIndex) -> None:
    hit = index.search("Muhammad Saleh Qahtani", birth_date="1980-05-12", nationality="SAU")[0]
    explained = hit.explain()
    assert json.loads(json.dumps(explained, ensure_ascii=False)) == explained
    assert explained["entry_id"] == "E1"
    assert explained["unmatched_entry_tokens"] == ["ahmed"]
    pairs = {(p["query_token"], p["entry_token"]): p for p in explained["token_pairs"]}
    assert pairs[("muhammad", "mohammed")]["how"] == "phonetic"
    assert pairs[("saleh", "saleh")]["how"] == "exact"
    assert explained["birth_date"] == {"adjustment": 8.0, "reason": "same birth date"}
    assert explained["nationality"]["adjustment"] > 0
    assert set(explained["name_rarity"]) == {"adjustment", "reason", "expected_chance_matches"}
    # The applicant gives no part the entry lacks: nothing disagrees.
    assert explained["name_parts"] == {"adjustment": 0.0, "reason": "no name part disagrees"}
    fuzzy = index.search("Mohammed Ahmed Saleh Al-Qahtami", birth_date="1980-05-12")[0]
    assert any(p.how == "fuzzy" for p in fuzzy.token_matches)


def test_empty_inputs() -> None:
    empty = MatchIndex.build([])
    assert len(empty) == 0
    assert empty.search("Mohammed Ali") == []
    index = MatchIndex.build([WatchlistRecord("X", ["", "Ali Hassan"])])
    assert index.alias_count == 1
    assert index.search("") == []
    assert index.search("  ---  ") == []


def test_index_statistics(index: MatchIndex) -> None:
    assert len(index) == len(RECORDS)
    assert index.alias_count == 10
    assert index.token_count > 10
    assert 0 < index.key_count <= index.token_count


def test_search_agrees_with_the_pairwise_scorer(index: MatchIndex) -> None:
    for query in [
        "Muhammad Saleh Qahtani",
        "محمد احمد صالح القحطاني",
        "Abdel Rahman Hosein El Dawsari",
    ]:
        for hit in index.search(query, threshold=0, limit=20):
            pairwise = index.name_score(index.prepare(query), index.prepare(hit.matched_alias))
            assert hit.name_score == pytest.approx(pairwise)


# -------------------------------------------------------------------- scoring


@pytest.mark.parametrize(
    ("query", "entry", "adjustment"),
    [
        ("1980-05-12", "1980-05-12", 8.0),
        ("1980-05-12", "1980-05", 5.0),
        ("1980-05-12", "1980", 3.0),
        ("1980-05-12", "1980-12-05", 4.0),
        ("1980-05-12", "1980-05-13", -3.0),
        ("1980-05-12", "1980-06-12", -5.0),
        ("1980-05-12", "1981-05-12", -10.0),
        ("1980-05-12", "1983-05-12", -25.0),
        ("1980-05-12", "2000-05-12", -35.0),
        ("1980-05-12", None, 0.0),
        (None, "1980", 0.0),
    ],
)
def test_birth_date_adjustment(query: str | None, entry: str | None, adjustment: float) -> None:
    value, reason = birth_date_adjustment(encode_partial_date(query), encode_partial_date(entry))
    assert value == adjustment
    assert reason


def test_token_similarity() -> None:
    assert token_similarity("ali", "AL", "ali", "AL") == (100.0, "exact")
    score, how = token_similarity("mohammed", "MHMD", "muhammad", "MHMD")
    assert how == "phonetic" and score >= 90
    score, how = token_similarity("qahtani", "KHTN", "qahtanu", "KHTN")
    assert how == "phonetic"
    score, how = token_similarity("qahtani", "KHTN", "qahtami", "KHTM")
    assert how == "fuzzy" and 80 <= score < 90
    assert token_similarity("khan", "KN", "khatun", "KTN")[0] < 75  # weak at most
    assert token_similarity("khan", "KN", "kahtani", "KHTN") == (0.0, "none")
    assert token_similarity("muhamad", "MHMD", "ahmed", "AHMD") == (0.0, "none")
    assert text_similarity("fatima", "fatma") == pytest.approx(100 * (1 - 1 / 6))
    assert key_similarity("KDJ", "KDK") == pytest.approx(95 * 0.75)


def test_rarity_adjustment() -> None:
    assert rarity_adjustment(30.0, 1_000_000)[0] == pytest.approx(0.0, abs=0.01)
    common, reason, expected = rarity_adjustment(8.0, 1_000_000)
    assert expected > 100 and common < -0.99 * RARITY_MAX and "chance matches" in reason


def test_disagreeing_name_parts_cost_points_and_missing_ones_do_not() -> None:
    assert disagreement_adjustment(0, 0) == (0.0, "no name part disagrees")
    # A part given on one side only (a dropped middle name) is not a disagreement.
    assert disagreement_adjustment(0, 2)[0] == 0.0
    assert disagreement_adjustment(1, 0)[0] == 0.0
    assert disagreement_adjustment(1, 3) == (NAME_PART_DISAGREES, "1 name part disagrees")
    assert disagreement_adjustment(2, 2) == (2 * NAME_PART_DISAGREES, "2 name parts disagree")


def test_another_fathers_name_lowers_the_score_a_dropped_one_does_not() -> None:
    index = MatchIndex.build(
        [WatchlistRecord("B1", ["Huda Sofyan Begum"], "1942", "BGD")]
        + [WatchlistRecord(f"X{i}", [f"Person{i} Filler{i}"], None, None) for i in range(50)]
    )
    dropped = index.search("Huda Begum", birth_date="1942-01-28", nationality="BGD", threshold=0)
    other = index.search(
        "Huda Ziyad Begum", birth_date="1942-01-28", nationality="BGD", threshold=0
    )
    assert dropped[0].disagreement_adjustment == 0.0
    assert other[0].unmatched_query_tokens == ("ziyad",)
    assert other[0].unmatched_entry_tokens == ("sofyan",)
    assert other[0].disagreement_adjustment == NAME_PART_DISAGREES
    assert other[0].explain()["name_parts"] == {
        "adjustment": NAME_PART_DISAGREES,
        "reason": "1 name part disagrees",
    }
    assert other[0].score < dropped[0].score
    parts = other[0]
    assert parts.score == pytest.approx(
        parts.name_score
        + parts.birth_date_adjustment
        + parts.nationality_adjustment
        + parts.rarity_adjustment
        + parts.disagreement_adjustment
    )


def test_name_similarity() -> None:
    assert name_similarity("Abdul Rahman Al-Hassan", "Abd al-Rahman Hassan") == pytest.approx(100.0)
    assert name_similarity("Ahmed Saleh", "Saleh Ahmad") >= 95
    assert name_similarity("Mohammed Ali Hassan", "Mohammed Ahmed Saleh") < 50
    assert name_similarity("", "Ali") == 0.0


# ----------------------------------------------------------------- properties

NAME_PARTS = [
    "Mohammed", "Ahmed", "Ali", "Hassan", "Hussein", "Omar", "Khalid", "Yusuf", "Ibrahim",
    "Fatima", "Aisha", "Khadija", "Zainab", "Maryam", "Abdulrahman", "Abdullah", "Saleh",
    "Qahtani", "Dosari", "Ghamdi", "Khan", "Qureshi", "Siddiqui", "Chaudhry", "Yilmaz",
    "Demir", "Santoso", "Wibowo", "Diallo", "Ndiaye", "Warsame", "Al-Hashimi", "Bin Laden",
    "محمد", "علي", "حسن", "القحطاني", "عبد الله",
]  # fmt: skip
NAMES = st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(parts=NAMES, others=st.lists(NAMES, max_size=6), data=st.data())
def test_a_name_matches_itself_and_its_permutations(
    parts: list[str], others: list[list[str]], data: st.DataObject
) -> None:
    name = " ".join(parts)
    records = [WatchlistRecord("TARGET", [name], "1970-01-01", "SAU")]
    records += [
        WatchlistRecord(f"O{i}", [" ".join(o)], "1970-01-01", "SAU") for i, o in enumerate(others)
    ]
    index = MatchIndex.build(records)
    permuted = " ".join(data.draw(st.permutations(parts)))
    for query in (name, permuted):
        hits = index.search(query, birth_date="1970-01-01", nationality="SAU")
        target = [h for h in hits if h.entry_id == "TARGET"]
        assert target, (query, [h.explain() for h in hits])
        assert target[0].name_score == pytest.approx(100.0)


def test_many_namesakes_the_birth_date_finds_the_right_one() -> None:
    # 1,200 "Mohammed Ahmed Ali" over 60 years: more than one posting list read
    # whole or one candidate batch can hold; the birth date must still pick the
    # right entry, and entries without a birth date stay reachable.
    records = [
        WatchlistRecord(
            f"N{i}", ["Mohammed Ahmed Ali"], f"{1940 + i % 60}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        )
        for i in range(1200)
    ]
    records.append(WatchlistRecord("TARGET", ["Muhammad Ahmad Aly"], "1975-06-15"))
    records.append(WatchlistRecord("NODATE", ["Mohammed Ahmed Ali Qasim"], None))
    index = MatchIndex.build(records)
    hits = index.search("Mohammed Ahmed Ali", birth_date="1975-06-15")
    assert hits[0].entry_id == "TARGET"
    assert all(h.birth_date_adjustment > -20 for h in hits)  # no entry two or more years off
    nodate = index.search("Mohammed Ahmed Ali Qasim", birth_date="1975-06-15", limit=50)
    assert "NODATE" in ids(nodate)
    wide = index.search("Mohammed Ahmed Ali", birth_date="1975-06-15", threshold=40, limit=2000)
    assert any(h.birth_date_adjustment <= -25 for h in wide)  # a low threshold widens the window
