"""Spelling rules added for the million-name benchmark (ADR 0039), pure Python.

Somali orthography (x = ح, c = ع) and "Abdi X" read both ways, the "ul" connector, j/k blocking (Egyptian g and
Turkish c for ج) and the smaller cost of a missing middle name; each with names that
must still NOT match.
"""

from __future__ import annotations

import pytest

from masar.screening.blocking import velar_key
from masar.screening.highlight import highlight
from masar.screening.matching import DEFAULT_THRESHOLD, MatchIndex, WatchlistRecord
from masar.screening.names import (
    abdi_reading,
    is_somali_spelling,
    name_tokens,
    normalize_latin,
    phonetic_key,
)
from masar.screening.scoring import MIDDLE_TOKEN_DISCOUNT, align_tokens


def keys(name: str) -> list[str]:
    return [phonetic_key(t) for t in name_tokens(name)]


# ------------------------------------------------------------------- Somali


@pytest.mark.parametrize(
    ("somali", "common"),
    [
        ("Maxamed Cabdi Xasan", "Mohamed Abdi Hasan"),
        ("Cali Cumar Aadan", "Ali Umar Adan"),
        ("Ismaaciil Jaamac", "Ismail Jama"),
        ("Cabdullaahi Warsame", "Abdullahi Warsame"),
        ("Faadumo Xuseen Cilmi", "Fadumo Huseen Ilmi"),
        ("Cabdiraxmaan Yuusuf", "Abdirahman Yusuf"),
    ],
)
def test_somali_spellings_share_keys(somali: str, common: str) -> None:
    # Given a name in Somali orthography, when it is keyed,
    # then it has the keys of the same name in the common Latin spelling.
    assert keys(somali) == keys(common)


def test_somali_letters_become_common_letters_in_tokens() -> None:
    assert name_tokens("Maxamed Cabdi Xasan") == ["mahamed", "abdi", "hasan"]
    assert name_tokens("Ismaaciil Jaamac") == ["ismaaiil", "jaama"]
    assert name_tokens("Cabdul Xamiid") == ["abdulhamiid"]  # then Abd- is fused as usual


@pytest.mark.parametrize(
    ("name", "somali"),
    [
        ("Maxamed Cali", True),  # x before a vowel
        ("Cabdi Warsame", True),  # a word starting with "cabd" (عبد)
        ("Ismaaciil Omar", True),  # c in a word with a doubled long vowel
        ("Cali Cumar Aadan", True),  # two c-words and a doubled long vowel
        ("Mamadou Camara", False),  # French c = k
        ("Cheikh Cissé", False),  # ch, and c = s
        ("Cemal Koç", False),  # Turkish c = j, ç
        ("Abdulbaasit Mouhammed El-Coubeisi", False),  # one c-word: not enough
        ("Cali Cumar", False),  # no doubled long vowel
        ("Oumar El-Cessaach", False),  # Somali writes no "ch": a Maghrebi c = k
        ("Cheikh Cali Jaamac", True),  # the other words still show it
    ],
)
def test_somali_orthography_is_recognised_by_the_whole_name(name: str, somali: bool) -> None:
    assert is_somali_spelling(normalize_latin(name).split()) is somali


def test_non_somali_c_is_kept() -> None:
    assert name_tokens("Mamadou Camara") == ["mamadou", "camara"]
    assert keys("Mamadou Camara") == ["MMD", "KMR"]
    assert name_tokens("Cemal Koç") == ["cemal", "koc"]
    assert name_tokens("Abdulbaasit El-Coubeisi") == ["abdulbaasit", "coubeisi"]
    # A doubled long vowel and a c, but also a "ch", which Somali never writes.
    assert name_tokens("Husain Oumar El-Cessaach") == ["husain", "oumar", "cessaach"]
    assert keys("El-Cessaach") == keys("al-Kassash") == ["KSX"]


def test_x_is_the_h_sound_in_a_key() -> None:
    assert phonetic_key("xasan") == phonetic_key("hasan") == "HSN"
    assert phonetic_key("moxamed") == phonetic_key("mohamed") == "MHMD"


def test_somali_and_common_spellings_do_not_join_different_names() -> None:
    # Must not match: Xasan is Hasan, never Husayn's neighbour Hassan-Ali or Qasim.
    assert keys("Xasan") != keys("Qasim")
    assert keys("Cali") != keys("Khalil")
    assert keys("Cumar") != keys("Ammar")


# --------------------------------------------------------------- "ul" joins


@pytest.mark.parametrize(
    "group",
    [
        ["Nur ul Islam", "Nurul Islam", "Nur-ul-Islam"],
        ["Zia ul Haq", "Ziaul Haq", "Zia-ul-Haq"],
        ["Inam ul Rahman", "Inamul Rahman", "Inam-ul-Rahman"],
    ],
)
def test_ul_connector_joins_the_element_before(group: list[str]) -> None:
    first = name_tokens(group[0])
    for name in group[1:]:
        assert name_tokens(name) == first, name


def test_ul_alone_or_last_is_not_joined() -> None:
    assert name_tokens("Ul Haq") == ["haq"]  # an article that starts a name is dropped
    assert name_tokens("Haq Ul") == ["haq", "ul"]


# ------------------------------------------------------------- j/k blocking


def test_velar_key_merges_j_into_k() -> None:
    assert velar_key("JML") == velar_key("KML") == "KML"
    assert velar_key("RJB") == "RKB"
    assert velar_key("SLM") == "SLM"


EGYPT = [
    WatchlistRecord("EG1", ["Gamal Ragab Higazi"], "1970-03-04", "EGY"),
    # Other people whose keys are those of the Levantine spelling of EG1's names, so
    # that the query's own keys are all known to the index.
    WatchlistRecord("F1", ["Jamal Saleh Omar"], "1950-01-01", "JOR"),
    WatchlistRecord("F2", ["Rajab Khalid Said"], "1961-02-02", "SYR"),
    WatchlistRecord("F3", ["Hassan Hijazi Yasin"], "1990-06-06", "LBN"),
    WatchlistRecord("F4", ["Kemal Recep Aydın"], "1970-03-04", "TUR"),
]


@pytest.fixture(scope="module")
def egypt_index() -> MatchIndex:
    return MatchIndex.build(EGYPT)


def test_every_token_spelled_with_g_for_j_still_meets_its_entry(egypt_index: MatchIndex) -> None:
    # Given "Gamal Ragab Higazi" on the list (Egyptian g for ج in all three names),
    # when "Jamal Rajab Hijazi" born the same day is screened,
    # then the entry is a hit although no pair of its keys is the query's own.
    hits = egypt_index.search("Jamal Rajab Hijazi", birth_date="1970-03-04", nationality="EG")
    assert [h.entry_id for h in hits] == ["EG1"]
    assert hits[0].score >= DEFAULT_THRESHOLD
    assert len(hits[0].token_matches) == 3
    assert hits[0].unmatched_query_tokens == ()


def test_g_for_j_does_not_match_another_person(egypt_index: MatchIndex) -> None:
    # Must not match: the same spelling family born 25 years later.
    assert egypt_index.search("Jamal Rajab Hijazi", birth_date="1995-03-04") == []
    # Must not match: a Turkish namesake-looking name of a different person.
    hits = egypt_index.search("Cemal Recep Aydın", birth_date="1970-03-04", nationality="TR")
    assert "EG1" not in [h.entry_id for h in hits]


# ---------------------------------------------------------- missing middles


def test_a_missing_middle_name_costs_less_than_a_missing_first_or_last() -> None:
    # Entry: three tokens of weight 1; the query matches the first and the last.
    middle_missing, _ = align_tokens([[100.0, 0.0], None, [0.0, 100.0]], [1.0, 1.0], [1.0] * 3)
    last_missing, _ = align_tokens([[100.0, 0.0], [0.0, 100.0], None], [1.0, 1.0], [1.0] * 3)
    assert middle_missing == pytest.approx(100.0 * 4 / (4 + MIDDLE_TOKEN_DISCOUNT))
    assert last_missing == pytest.approx(100.0 * 4 / 5)
    assert MIDDLE_TOKEN_DISCOUNT == 0.3


SOMALI_LIST = [
    WatchlistRecord("S1", ["Maxamed Cabdi Xasan Warsame"], "1980-05-01", "SOM"),
    WatchlistRecord("S2", ["Mohamed Abdi Hassan"], "1960-01-01", "SOM"),
    WatchlistRecord("S3", ["Ahmed Ali Omar Guuleed"], "1975-01-01", "DJI"),
]


@pytest.fixture(scope="module")
def somali_index() -> MatchIndex:
    return MatchIndex.build(SOMALI_LIST)


def test_common_spelling_finds_the_somali_entry(somali_index: MatchIndex) -> None:
    hits = somali_index.search("Mohamed Abdi Hasan Warsame", birth_date="1980-05-01")
    assert [h.entry_id for h in hits] == ["S1"]


def test_somali_namesakes_with_other_birth_dates_do_not_match(somali_index: MatchIndex) -> None:
    # "Mohamed Abdi Hassan" is a very common Somali name: born 1980, not 1960.
    hits = somali_index.search("Maxamed Cabdi Xasan", birth_date="1980-05-01")
    assert "S2" not in [h.entry_id for h in hits]
    assert somali_index.search("Maxamed Cabdi Xasan Warsame", birth_date="2001-09-09") == []


def test_somali_words_are_marked_beside_the_applicant() -> None:
    # Given a hit whose matched tokens are "ali" and "umar",
    # when the Somali-spelled entry name is shown, then "Cali" and "Cumar" are marked.
    segments = highlight("Cali Cumar Aadan", ["ali", "umar"])
    assert [(s.text, s.marked) for s in segments if not s.text.isspace()] == [
        ("Cali", True),
        ("Cumar", True),
        ("Aadan", False),
    ]
    # A name that is not Somali keeps its c: "Camara" is not "amara".
    segments = highlight("Mamadou Camara", ["amara"])
    assert not any(s.marked for s in segments)


# ----------------------------------------------------------- Somali "Abdi X"


def test_abdi_before_a_name_is_also_read_as_abd_al() -> None:
    assert abdi_reading(["abdi", "rahman", "warsame"]) == ["abdulrahman", "warsame"]
    assert abdi_reading(name_tokens("Cabdi Raxmaan Cali")) == ["abdulrahmaan", "ali"]
    assert abdi_reading(["abdi"]) is None
    # A fused single word would meet every Abdulrahman of the list: not read so.
    assert abdi_reading(["abdi", "rahman"]) is None
    assert abdi_reading(["abdi", "rahman", "abdi", "karim"]) == ["abdulrahman", "abdulkarim"]
    assert abdi_reading(["warsame", "abdi"]) is None  # Abdi last: nothing to govern
    assert abdi_reading(["abdulrahman", "ali"]) is None


ABDI_LIST = [
    WatchlistRecord("A1", ["Abdi Satar Ali Mohamad"], "1981-02-25", "SOM"),
    WatchlistRecord("A2", ["Abdul-Hamid Mohamad Hasan"], "1965-04-13", "SOM"),
    WatchlistRecord("A3", ["Abdi Warsame Yusuf"], "1970-01-01", "SOM"),
    WatchlistRecord("A4", ["Abdirahman Warsame"], "1950-06-01", "SOM"),
]


@pytest.fixture(scope="module")
def abdi_index() -> MatchIndex:
    return MatchIndex.build(ABDI_LIST)


def test_abdi_written_apart_matches_the_fused_name_both_ways(abdi_index: MatchIndex) -> None:
    # The entry writes "Abdi Satar", the passport "Abdul Sattar".
    hits = abdi_index.search("Abdul Sattar Ali Mohamed", birth_date="1981-02-25")
    assert [h.entry_id for h in hits] == ["A1"]
    assert hits[0].matched_alias == "Abdi Satar Ali Mohamad"  # the list's own text
    entry_tokens = [m.entry_token for m in hits[0].token_matches]
    marked = [s.text for s in highlight(hits[0].matched_alias, entry_tokens) if s.marked]
    assert marked == ["Abdi", "Satar", "Ali", "Mohamad"]
    # The passport writes "Cabdi Xamiid", the entry "Abdul-Hamid".
    hits = abdi_index.search("Cabdi Xamiid Maxamed Xasan", birth_date="1965-04-13")
    assert [h.entry_id for h in hits] == ["A2"]


def test_abdi_stays_a_name_of_its_own(abdi_index: MatchIndex) -> None:
    hits = abdi_index.search("Abdi Warsame Yusuf", birth_date="1970-01-01")
    assert hits[0].entry_id == "A3" and hits[0].name_score == pytest.approx(100.0)


def test_abdi_rahman_born_another_decade_does_not_match(abdi_index: MatchIndex) -> None:
    # Must not match: Abdi Rahman Warsame born 1980 is not Abdirahman Warsame born 1950.
    assert abdi_index.search("Abdi Rahman Warsame", birth_date="1980-03-03") == []
    assert abdi_index.search("Abdi Rahman Warsame", birth_date="1950-06-01")[0].entry_id == "A4"
