"""Matching rules of the second screening-quality round (ADR 0039a), pure Python.

Arabic-script heh after a letter that would form a false Latin digraph, عز as a name
and not an article, Elyas as a name and not el- + yas, typo-related tokens (symmetric
one-letter deletion compared by phonetic key) and a partial name of another nationality;
each with names that must still NOT match.
"""

from __future__ import annotations

import pytest

from masar.screening.matching import DEFAULT_THRESHOLD, MatchIndex, WatchlistRecord
from masar.screening.names import name_tokens, phonetic_key
from masar.screening.scoring import (
    FUZZY_FLOOR,
    NATIONALITY_OTHER,
    NATIONALITY_OTHER_PARTIAL_NAME,
    NATIONALITY_SAME,
    TYPO_MIN_SOUNDS,
    TYPO_SIMILARITY,
    TYPO_SPELLING,
    identity_rule,
    token_similarity,
    typo_keys,
    typo_related,
)


def keys(name: str) -> list[str]:
    return [phonetic_key(t) for t in name_tokens(name)]


def similarity(a: str, b: str) -> tuple[float, str]:
    return token_similarity(a, phonetic_key(a), b, phonetic_key(b))


# ------------------------------------------------- Arabic heh after s/z/t/k/d


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("سهيل", "Suhail"),  # س + ه: not ش
        ("زهراء", "Zahra"),  # ز + ه: not ژ
        ("زهير", "Zuhair"),
        ("حفصة", "Hafsa"),  # ص + ة at the end
        ("نفيسة", "Nafisa"),
        ("عزيزة", "Aziza"),
        ("طه", "Taha"),  # ط + ه
        ("سهل", "Sahl"),
        ("مليكة", "Malika"),
    ],
)
def test_arabic_heh_after_a_digraph_letter_keeps_its_own_sound(arabic: str, latin: str) -> None:
    # Given an Arabic-script name where ه (or ة) follows a letter transliterated
    # s, z, t, k or d, when it is keyed, then it has the key of the Latin spelling.
    assert keys(arabic) == keys(latin)


def test_arabic_heh_fix_leaves_real_digraph_letters_alone() -> None:
    # ش, خ, ذ, ث stay sh, kh, dh, th; ح after ت stays as Latin writes it (Fathi).
    assert keys("شهد") == keys("Shahd")
    assert keys("فتحي") == keys("Fathi")
    assert keys("خالد") == keys("Khalid")
    assert name_tokens("سهيل") == ["sahyl"]


def test_arabic_heh_fix_does_not_join_different_names() -> None:
    # Must not match: Suhail and Shuhail/Shakil are different names; Zahra and Jahra too.
    assert keys("سهيل") != keys("Shakil")
    assert keys("زهراء") != keys("Jahra")
    assert keys("سهيل") != keys("شهيل")


# ------------------------------------------------------ عز and Elyas as names


def test_arabic_izz_is_a_name_not_an_article() -> None:
    # Given "عز الدين" written in Arabic script, when tokenized,
    # then it is one element, as the Latin "Izz ad-Din" is, not an article before "Din".
    assert name_tokens("فاطمة عز الدين الرشيدي") == ["fatmh", "ezuddin", "rshydy"]
    assert keys("فاطمة عز الدين الرشيدي") == keys("Fatima Izz Uddin Al-Rashidee")
    # The Latin article "Ez" before a sun letter is still dropped.
    assert name_tokens("Ez Zahrani") == ["zahrani"]


def test_elyas_is_a_name_not_an_article() -> None:
    assert name_tokens("Elyas Ahmad") == ["elyas", "ahmad"]
    assert keys("Elyas") == keys("Ilyas") == keys("Alyas") == keys("الياس")
    # Other attached articles are still split.
    assert name_tokens("Alqahtani") == ["qahtani"]


# ------------------------------------------------------- typo-related tokens


@pytest.mark.parametrize(
    ("typo", "variant"),
    [
        ("qathani", "qahtanee"),  # swapped h/t makes a false "th"
        ("sabbhagh", "sabagh"),  # inserted h that makes "hg"
        ("mohamah", "muhammad"),  # d replaced by h
    ],
)
def test_a_typo_on_a_spelling_variant_is_related(typo: str, variant: str) -> None:
    # Given a token with one typo on a spelling variant of the listed token,
    # when their similarity is computed, then it is at least TYPO_SIMILARITY.
    assert typo_related(typo, variant)
    ratio, how = similarity(typo, variant)
    assert ratio >= TYPO_SIMILARITY
    assert how == "fuzzy"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("muhammad", "ahmad"),  # deleting the first letter is not allowed
        ("mahmud", "ahmad"),
        ("khalid", "golnaz"),  # a shared key after a deletion, not a spelling
        ("khan", "khatun"),  # too short
        ("adwsari", "dousaree"),  # keys start with other sounds
        ("ismail", "asmaa"),  # spellings less than TYPO_SPELLING alike
        ("akinoglu", "ekinci"),
        ("erensoy", "akinsoy"),
        ("dandou", "danli"),  # the shared key DN has fewer than TYPO_MIN_SOUNDS sounds
    ],
)
def test_different_names_are_not_typo_related(a: str, b: str) -> None:
    assert not typo_related(a, b)


def test_typo_keys_hold_the_deletion_neighbourhood() -> None:
    # "qahtanee" without one letter (not the first): its own key and one per deletion.
    found = typo_keys("qahtanee")
    assert phonetic_key("qahtanee") in found
    assert phonetic_key("qatanee") in found
    assert all(len(k) >= TYPO_MIN_SOUNDS for k in found)
    assert typo_keys("omar") == frozenset({"AMR"})  # too short for deletions
    assert typo_keys("ali") == frozenset()  # a key of two sounds is left out


TYPO_LIST = [
    WatchlistRecord("T1", ["Mihrunnisa Kamal Qahtanee"], "1984-06-18", "SAU"),
    # Other people with the common parts, so that the list knows their keys.
    WatchlistRecord("T2", ["Mihrunnisa Kamal Bibi"], "1950-01-01", "PAK"),
    WatchlistRecord("T3", ["Kamal Ahmad Qahtani"], "1961-02-02", "SAU"),
    WatchlistRecord("T4", ["Nafisa Umar Dawsari"], "1977-07-07", "SAU"),
]


@pytest.fixture(scope="module")
def typo_index() -> MatchIndex:
    return MatchIndex.build(TYPO_LIST)


def test_a_typo_on_a_spelling_variant_still_finds_the_entry(typo_index: MatchIndex) -> None:
    # Given "Mihrunnisa Kamal Qahtanee" on the list, when "Mihrunnisa Kamal Qathani"
    # (another spelling with two letters swapped) born the same day is screened,
    # then the entry is a hit, with the family name paired by the typo rule.
    hits = typo_index.search("Mihrunnisa Kamal Qathani", birth_date="1984-06-18")
    assert [h.entry_id for h in hits] == ["T1"]
    assert hits[0].score >= DEFAULT_THRESHOLD
    pair = [m for m in hits[0].token_matches if m.query_token == "qathani"]
    assert len(pair) == 1
    assert pair[0].entry_token == "qahtanee"
    assert pair[0].ratio == TYPO_SIMILARITY
    assert hits[0].unmatched_query_tokens == ()


def test_typo_rule_does_not_match_another_person(typo_index: MatchIndex) -> None:
    # Must not match: the same name born 20 years later.
    assert typo_index.search("Mihrunnisa Kamal Qathani", birth_date="2004-06-18") == []
    # Must not match: a different common name with a different birth date.
    hits = typo_index.search("Kamal Ahmad Qathani", birth_date="1984-06-18")
    assert "T1" not in [h.entry_id for h in hits]


def test_the_search_and_the_name_scorer_agree_on_typo_pairs(typo_index: MatchIndex) -> None:
    # The fast path of MatchIndex.search and token_similarity give the same name score.
    hits = typo_index.search("Mihrunnisa Kamal Qathani", birth_date="1984-06-18")
    query = typo_index.prepare("Mihrunnisa Kamal Qathani")
    entry = typo_index.prepare("Mihrunnisa Kamal Qahtanee")
    assert typo_index.name_score(query, entry) == pytest.approx(hits[0].name_score)
    assert FUZZY_FLOOR < TYPO_SIMILARITY < 80.0
    assert TYPO_SPELLING == 0.6


# ------------------------------------------- name evidence x identity evidence


@pytest.mark.parametrize(
    ("complete", "nationality"),
    [
        (True, -4.0),  # complete name, other nationality: the usual -4 only
        (False, 2.0),  # partial name, same nationality
        (False, 0.0),  # partial name, nationality not compared
    ],
)
def test_identity_rule_leaves_other_cases_alone(complete: bool, nationality: float) -> None:
    assert identity_rule(complete_name=complete, nationality_adjustment=nationality) == (0.0, "")


def test_identity_rule_partial_name_of_another_nationality_costs_more() -> None:
    extra, reason = identity_rule(complete_name=False, nationality_adjustment=-4.0)
    assert extra == NATIONALITY_OTHER_PARTIAL_NAME == -6.0
    assert reason == "different nationality and a partial name"


def _common_name_list() -> list[WatchlistRecord]:
    # Given a list where "Muhammad Ahmad Ali Khan" is one person without a birth
    # date, among many people who share three of his four names.
    records = [WatchlistRecord("C0", ["Muhammad Ahmad Ali Khan"], None, "PAK")]
    for i in range(1, 400):
        given = ["Muhammad", "Ahmad", "Ali", "Hasan", "Umar", "Bilal", "Imran", "Tariq"][i % 8]
        family = ["Khan", "Butt", "Qureshi", "Malik", "Shah"][i % 5]
        records.append(
            WatchlistRecord(
                f"C{i}", [f"{given} Ahmad Ali {family}"], f"{1940 + i % 60}-01-01", "PAK"
            )
        )
    return records


@pytest.fixture(scope="module")
def common_index() -> MatchIndex:
    return MatchIndex.build(_common_name_list())


def test_complete_name_of_another_nationality_keeps_the_usual_adjustment(
    common_index: MatchIndex,
) -> None:
    # When the same four names are screened with another nationality,
    # then only the usual -4 applies (the name is complete).
    hits = common_index.search(
        "Muhammad Ahmad Ali Khan", birth_date="1970-05-05", nationality="IND", threshold=0
    )
    hit = next(h for h in hits if h.entry_id == "C0")
    assert hit.unmatched_query_tokens == () and hit.unmatched_entry_tokens == ()
    assert hit.nationality_adjustment == NATIONALITY_OTHER
    assert hit.nationality_reason == "different nationality"


def test_common_name_with_a_different_birth_date_does_not_match(common_index: MatchIndex) -> None:
    # Must not match: "Muhammad Ahmad Ali Butt" born 1990 against C5 born 1945.
    hits = common_index.search("Muhammad Ahmad Ali Butt", birth_date="1990-01-01")
    assert "C5" not in [h.entry_id for h in hits]


def test_partial_name_of_another_nationality_loses_more(common_index: MatchIndex) -> None:
    # "Muhammad Ahmad Khan" (Ali dropped) of another nationality against C0.
    hits = common_index.search(
        "Muhammad Ahmad Khan", birth_date="1970-05-05", nationality="IND", threshold=0
    )
    hit = next(h for h in hits if h.entry_id == "C0")
    assert hit.nationality_adjustment == NATIONALITY_OTHER + NATIONALITY_OTHER_PARTIAL_NAME
    assert hit.nationality_reason == "different nationality and a partial name"
    # The same partial name of the entry's own nationality gets +2 instead of -10.
    own = common_index.search(
        "Muhammad Ahmad Khan", birth_date="1970-05-05", nationality="PAK", threshold=0
    )
    same = next(h for h in own if h.entry_id == "C0")
    assert same.nationality_adjustment - hit.nationality_adjustment == (
        NATIONALITY_SAME - NATIONALITY_OTHER - NATIONALITY_OTHER_PARTIAL_NAME
    )
    assert same.score > hit.score + 10
