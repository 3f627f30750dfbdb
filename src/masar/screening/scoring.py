"""Scoring rules of watchlist matching (pure Python, no Django).

A name score (0-100) comes from aligning the tokens of two names, whatever
their order: each query token is paired with at most one entry token by
descending similarity. The similarity of a pair is 100 for the same token,
at least :data:`PHONETIC_SIMILARITY` for the same phonetic key, else the better
of the edit-based similarity of the tokens (:func:`text_similarity`), that of
their keys (:func:`key_similarity`) and, for a typo stacked on a spelling variant,
:data:`TYPO_SIMILARITY` (:func:`typo_related`), dropped below :data:`FUZZY_FLOOR`.

The name score is a weighted coverage::

    sum(similarity * (w_q + w_e)) / (sum(w_q + w_e) + sum(d * w) over unmatched tokens)

where a token's weight grows with the rarity of its phonetic key in the list
(a shared rare family name says more than a shared "Mohammed"), and ``d`` is
:data:`MIDDLE_TOKEN_DISCOUNT` for an unmatched token in the middle of its name
(a missing middle name costs little) and 1 for a first or last token.

The birth date and nationality then move the score up or down by the amounts
below; a partial name of a different nationality loses more (:func:`identity_rule`);
each name part that disagrees (unpaired on both sides) costs
:data:`NAME_PART_DISAGREES` (:func:`disagreement_adjustment`). Last, a *name
rarity* adjustment lowers the score of matches that a list of this size would
produce by chance: the evidence of a match, in nats,
is the inverse document frequency of the phonetic key of each matched entry
token, scaled by ``(similarity - 50) / 50`` (so weak pairs prove little), plus
that of a matching birth date or nationality; a list of ``N`` names is expected to hold
``E = N * exp(-evidence)`` chance matches, and the score drops by
``RARITY_MAX * E / (1 + E)``. "Navid Khan" with no birth date to compare is
weak evidence in a million-name list; "Mohammed Ahmed Saleh al-Qahtani" born
on the same day is not. The result is clamped to 0-100.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import OSA

from masar.screening.names import phonetic_key

__all__ = [
    "FUZZY_FLOOR",
    "KEY_SIMILARITY_SCALE",
    "MIDDLE_TOKEN_DISCOUNT",
    "NAME_PART_DISAGREES",
    "NATIONALITY_OTHER_PARTIAL_NAME",
    "PHONETIC_SIMILARITY",
    "TYPO_MIN_LENGTH",
    "TYPO_MIN_SOUNDS",
    "TYPO_SPELLING",
    "TYPO_SIMILARITY",
    "TokenMatch",
    "align_tokens",
    "birth_date_adjustment",
    "encode_partial_date",
    "key_similarity",
    "loose_key",
    "max_birth_year_gap",
    "nationality_adjustment",
    "phonetic_similarity",
    "disagreement_adjustment",
    "evidence_factor",
    "identity_rule",
    "rarity_adjustment",
    "spelling_close",
    "text_similarity",
    "token_similarity",
    "typo_keys",
    "typo_related",
]

#: Similarity of two different tokens with the same phonetic key of 4+ sounds
#: (a shorter key is shared by more unrelated names, so it earns less).
PHONETIC_SIMILARITY: Final = 92.0
KEY_SIMILARITY_SCALE: Final = 95.0
FUZZY_FLOOR: Final = 70.0
MIDDLE_TOKEN_DISCOUNT: Final = 0.3

BIRTH_DATE_SAME: Final = 8.0
BIRTH_DATE_SAME_MONTH: Final = 5.0
BIRTH_DATE_SWAPPED: Final = 4.0
BIRTH_DATE_SAME_YEAR: Final = 3.0
BIRTH_DATE_OTHER_DAY: Final = -3.0
BIRTH_DATE_OTHER_MONTH: Final = -5.0
BIRTH_DATE_ONE_YEAR: Final = -10.0
BIRTH_DATE_FEW_YEARS: Final = -25.0
BIRTH_DATE_MANY_YEARS: Final = -35.0
NATIONALITY_SAME: Final = 2.0
NATIONALITY_OTHER: Final = -4.0
#: Added to :data:`NATIONALITY_OTHER` when the name is also partial (a token of
#: either name unpaired): see :func:`identity_rule`.
NATIONALITY_OTHER_PARTIAL_NAME: Final = -6.0
#: The most a birth date and a nationality can add (to prune candidates early).
MAX_BONUS: Final = BIRTH_DATE_SAME + NATIONALITY_SAME

#: Most score points lost by a match that the list would produce by chance (ADR 0096).
RARITY_MAX: Final = 25.0
#: Points lost for each name part that *disagrees*: a part of the applicant's name and a
#: part of the entry's that are both left unpaired (another father's name, say). A part
#: missing on one side only costs what :func:`align_tokens` charges for it (ADR 0096).
NAME_PART_DISAGREES: Final = -6.0
#: Evidence (nats) of agreeing birth dates, for birth years spread over ~60 years.
_BIRTH_YEARS: Final = 60
BIRTH_DATE_EVIDENCE: Final[dict[float, float]] = {
    BIRTH_DATE_SAME: math.log(365.25 * _BIRTH_YEARS),
    BIRTH_DATE_SWAPPED: math.log(365.25 * _BIRTH_YEARS / 2),
    BIRTH_DATE_SAME_MONTH: math.log(12 * _BIRTH_YEARS),
    BIRTH_DATE_SAME_YEAR: math.log(_BIRTH_YEARS),
}
#: Evidence (nats) of the same nationality: lists are dominated by a few.
NATIONALITY_EVIDENCE: Final = math.log(10)


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """One aligned token pair: how it matched and with what similarity (0-100)."""

    query_token: str
    entry_token: str
    how: str  # "exact", "phonetic" or "fuzzy"
    ratio: float


def text_similarity(a: str, b: str) -> float:
    """Edit-based similarity (0-100): 100 * (1 - OSA distance / longer length).

    One typo (substitution, insertion, deletion or swap of neighbours) in a
    six-letter token gives 83; two edits give 67, below :data:`FUZZY_FLOOR`,
    so "Khan" and "Khatun" do not pass for each other.
    """
    return 100.0 * OSA.normalized_similarity(a, b)


def key_similarity_from_distance(distance: int, longer: int) -> float:
    """:func:`key_similarity` from an OSA distance and the length of the longer key."""
    return KEY_SIMILARITY_SCALE * (1.0 - distance / (longer + 1))


def key_similarity(a: str, b: str) -> float:
    """Similarity (0-100) of two phonetic keys: 95 * (1 - OSA distance / (longer + 1)).

    A key one edit away scores 76 for four sounds and 71 for three: enough to
    pair a token that carries both a spelling variant and a typo (Khadiga /
    Khadeejah, nKhatun / Khatoon) when the rest of the name agrees; two-sound
    keys one edit apart score 63, below :data:`FUZZY_FLOOR`.
    :func:`token_similarity` only uses it when :func:`spelling_close` agrees.
    """
    return key_similarity_from_distance(OSA.distance(a, b), max(len(a), len(b)))


def _has_inner_vowel(token: str) -> bool:
    rest = token[1:]
    return "a" in rest or "e" in rest or "i" in rest or "o" in rest or "u" in rest


def _skeleton(token: str) -> str:
    return token[:1] + "".join(c for c in token[1:] if c not in "aeiou")


def spelling_close(a: str, b: str, floor: float = 0.5) -> bool:
    """Whether two tokens are spelled at least half alike (OSA), so a near key is credible.

    Keys one edit apart also join unrelated names (Muhammad/Ahmad, Khalid/
    Golnaz); their spellings are far apart. A token without inner vowels (as
    transliterated from Arabic script, "mhmd") is compared by consonants.
    """
    if not _has_inner_vowel(a) or not _has_inner_vowel(b):
        a, b = _skeleton(a), _skeleton(b)
    return OSA.normalized_similarity(a, b) >= floor


#: Similarity of tokens whose keys differ only inside the s/d/t or k/j classes,
#: and how alike (OSA) their spellings must be for it.
LOOSE_SIMILARITY: Final = 85.0
LOOSE_SPELLING: Final = 0.4
_LOOSE: Final = str.maketrans("STJ", "DDK")


def loose_key(key: str) -> str:
    """``key`` with the s/d/t classes merged, and k with j.

    Latin spellings disagree on ث ذ ض ظ (Othman/Osman/Utman, Dhafer/Thafer/
    Zafer) and on ج (Jamal, Egyptian Gamal, Turkish Cemal); a shared loose key
    earns :data:`LOOSE_SIMILARITY` when the spellings are also close.
    """
    return key.translate(_LOOSE)


#: Similarity of tokens that agree in sound after one typo (see :func:`typo_related`):
#: that of keys one edit apart (:func:`key_similarity` of four sounds), below one
#: plain typo (83 for six letters) and above :data:`FUZZY_FLOOR`.
TYPO_SIMILARITY: Final = 76.0
#: Shortest token whose one-letter deletions are keyed (shorter ones: too many look-alikes).
TYPO_MIN_LENGTH: Final = 5
#: Fewest sounds of a key shared through the typo rule.
TYPO_MIN_SOUNDS: Final = 3
#: How alike (OSA) the spellings of two typo-related tokens must be at least.
TYPO_SPELLING: Final = 0.6


@lru_cache(maxsize=262144)
def typo_keys(token: str) -> frozenset[str]:
    """Phonetic keys of ``token`` and of every form with one letter (not the first) deleted.

    The deletion neighbourhood (SymSpell style) is keyed only for tokens of
    :data:`TYPO_MIN_LENGTH` letters or more; keys of fewer than :data:`TYPO_MIN_SOUNDS` sounds
    are left out (too common: Danli and Dandou share ``DN``). The first letter stays: deleting it changes how
    the key starts (Muhammad without its m is keyed like Ahmad).
    """
    keys = {phonetic_key(token)}
    if len(token) >= TYPO_MIN_LENGTH:
        keys.update(phonetic_key(token[:i] + token[i + 1 :]) for i in range(1, len(token)))
    return frozenset(k for k in keys if len(k) >= TYPO_MIN_SOUNDS)


def typo_related(a: str, b: str) -> bool:
    """Whether one typo stacked on a spelling variant explains ``a`` against ``b``.

    Symmetric deletion: some form of ``a`` and some form of ``b``, each with at
    most one letter deleted, have the same phonetic key, so a substitution,
    insertion, deletion or (mostly) swap of letters in a variant spelling
    passes: "Qathani" (a swap that makes a false "th") and "Qahtanee" both give
    ``KTN`` once an h is deleted. Guards against unrelated names: both tokens
    have :data:`TYPO_MIN_LENGTH` letters or more, their own keys start with the
    same sound, and their spellings are at least :data:`TYPO_SPELLING` alike
    (Khalid and Golnaz, Ismail and Asmaa, Erensoy and Akinsoy share a key after
    a deletion, not a spelling).
    """
    if len(a) < TYPO_MIN_LENGTH or len(b) < TYPO_MIN_LENGTH:
        return False
    ka, kb = typo_keys(a), typo_keys(b)
    if ka.isdisjoint(kb) or phonetic_key(a)[:1] != phonetic_key(b)[:1]:
        return False
    return OSA.normalized_similarity(a, b) >= TYPO_SPELLING


def phonetic_similarity(key: str) -> float:
    """Floor of the similarity of two tokens that share ``key``."""
    return PHONETIC_SIMILARITY - (0.0 if len(key) >= 4 else 2.0 if len(key) == 3 else 7.0)


def token_similarity(q_token: str, q_key: str, e_token: str, e_key: str) -> tuple[float, str]:
    """Similarity (0-100) of two tokens and how it was found; ``(0.0, "none")`` if too far."""
    if q_token == e_token:
        return 100.0, "exact"
    ratio = text_similarity(q_token, e_token)
    if q_key == e_key:
        return max(phonetic_similarity(q_key), ratio), "phonetic"
    best = ratio
    if (
        best < LOOSE_SIMILARITY
        and loose_key(q_key) == loose_key(e_key)
        and spelling_close(q_token, e_token, LOOSE_SPELLING)
    ):
        return LOOSE_SIMILARITY, "phonetic"
    if best < FUZZY_FLOOR and spelling_close(q_token, e_token):
        best = key_similarity(q_key, e_key)
    if best < TYPO_SIMILARITY and typo_related(q_token, e_token):
        best = TYPO_SIMILARITY
    if best < FUZZY_FLOOR:
        return 0.0, "none"
    return best, "fuzzy"


def align_tokens(
    rows: Sequence[Sequence[float] | None],
    q_weights: Sequence[float],
    e_weights: Sequence[float],
) -> tuple[float, list[tuple[int, int, float]]]:
    """Greedy order-free alignment; returns the name score and the (i, j, similarity) pairs.

    ``rows[j][i]`` is the similarity of entry token ``j`` and query token ``i``;
    ``rows[j]`` may be ``None`` when entry token ``j`` resembles no query token.
    """
    n = len(q_weights)
    m = len(e_weights)
    triples = [(s, i, j) for j, row in enumerate(rows) if row for i, s in enumerate(row) if s]
    triples.sort(reverse=True)
    used_q = 0
    used_e = 0
    num = 0.0
    den = 0.0
    pairs: list[tuple[int, int, float]] = []
    for s, i, j in triples:
        if used_q >> i & 1 or used_e >> j & 1:
            continue
        used_q |= 1 << i
        used_e |= 1 << j
        w = q_weights[i] + e_weights[j]
        num += s * w
        den += w
        pairs.append((i, j, s))
    if not pairs:
        return 0.0, pairs
    for i in range(n):
        if not used_q >> i & 1:
            den += q_weights[i] * (1.0 if i == 0 or i == n - 1 else MIDDLE_TOKEN_DISCOUNT)
    for j in range(m):
        if not used_e >> j & 1:
            den += e_weights[j] * (1.0 if j == 0 or j == m - 1 else MIDDLE_TOKEN_DISCOUNT)
    return num / den, pairs


_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def encode_partial_date(value: date | str | None) -> int:
    """Encode a full or partial birth date as ``YYYYMMDD`` with 0 for unknown parts.

    Accepts a :class:`datetime.date`, ``"YYYY"``, ``"YYYY-MM"`` or
    ``"YYYY-MM-DD"``; ``None`` and ``""`` give 0. Raises ``ValueError`` otherwise.
    """
    if value is None:
        return 0
    if isinstance(value, date):
        return value.year * 10000 + value.month * 100 + value.day
    text = value.strip()
    if not text:
        return 0
    m = _DATE_RE.fullmatch(text)
    if m is None:
        raise ValueError(f"birth date must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    year, month, day = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if m.group(3):
        date(year, month, day)  # raises ValueError on an impossible date
    elif m.group(2) and not 1 <= month <= 12:
        raise ValueError(f"invalid month in {value!r}")
    return year * 10000 + month * 100 + day


def birth_date_adjustment(query: int, entry: int) -> tuple[float, str]:
    """Score adjustment and reason for two encoded (partial) birth dates; 0 if either is unknown."""
    if not query or not entry:
        return 0.0, "birth date not compared"
    qy, qm, qd = query // 10000, query // 100 % 100, query % 100
    ey, em, ed = entry // 10000, entry // 100 % 100, entry % 100
    if qy != ey:
        gap = abs(qy - ey)
        if gap == 1:
            return BIRTH_DATE_ONE_YEAR, "birth years differ by 1"
        if gap <= 4:
            return BIRTH_DATE_FEW_YEARS, f"birth years differ by {gap}"
        return BIRTH_DATE_MANY_YEARS, f"birth years differ by {gap}"
    if not qm or not em:
        return BIRTH_DATE_SAME_YEAR, "same birth year"
    if qm == em:
        if not qd or not ed:
            return BIRTH_DATE_SAME_MONTH, "same birth year and month"
        if qd == ed:
            return BIRTH_DATE_SAME, "same birth date"
        return BIRTH_DATE_OTHER_DAY, "same birth month, different day"
    if qd and ed and qm == ed and qd == em:
        return BIRTH_DATE_SWAPPED, "same birth date with day and month swapped"
    return BIRTH_DATE_OTHER_MONTH, "same birth year, different month"


def max_birth_year_gap(threshold: float) -> int | None:
    """Widest gap between birth years that can still score ``threshold``; None if any can.

    The best case is a perfect name score with the same nationality.
    """
    best = 100.0 + NATIONALITY_SAME
    if best + BIRTH_DATE_MANY_YEARS >= threshold:
        return None
    if best + BIRTH_DATE_FEW_YEARS >= threshold:
        return 4
    if best + BIRTH_DATE_ONE_YEAR >= threshold:
        return 1
    return 0


def nationality_adjustment(query: str | None, entry: str | None) -> tuple[float, str]:
    """Score adjustment and reason for two normalized nationality codes."""
    if not query or not entry:
        return 0.0, "nationality not compared"
    if query == entry:
        return NATIONALITY_SAME, "same nationality"
    return NATIONALITY_OTHER, "different nationality"


def rarity_adjustment(evidence: float, population: int) -> tuple[float, str, float]:
    """Adjustment, reason and expected chance matches for ``evidence`` nats in a list.

    ``population`` is the number of names in the list; the expected number of
    names that would match this well by chance is ``population * exp(-evidence)``.
    """
    expected = population * math.exp(-evidence)
    adjustment = -RARITY_MAX * expected / (1.0 + expected)
    if expected < 0.01:
        reason = "specific enough for the list size"
    else:
        reason = f"~{expected:.2g} chance matches of this strength expected in the list"
    return adjustment, reason, expected


def identity_rule(*, complete_name: bool, nationality_adjustment: float) -> tuple[float, str]:
    """Name evidence against identity evidence: an extra adjustment and its reason.

    A **partial name** (a token of either name unpaired) of a **different
    nationality** loses :data:`NATIONALITY_OTHER_PARTIAL_NAME` more: two
    mismatches of identity say more than their sum. Otherwise ``(0.0, "")``.

    (A complete name with a compatible identity keeping part of the name-rarity
    adjustment was measured and not kept: see ADR 0039a.)
    """
    if not complete_name and nationality_adjustment < 0:
        return NATIONALITY_OTHER_PARTIAL_NAME, "different nationality and a partial name"
    return 0.0, ""


def disagreement_adjustment(unpaired_query: int, unpaired_entry: int) -> tuple[float, str]:
    """Adjustment and reason for name parts that disagree, from the unpaired parts of each name.

    An unpaired part on one side only is a part the other name does not give (a
    dropped middle name, a list that knows two names of a person). Unpaired parts on
    *both* sides are parts given twice and not alike: ``min(unpaired_query,
    unpaired_entry)`` of them disagree, each costing :data:`NAME_PART_DISAGREES`.
    "Huda Ziyad Begum" and "Huda Sofyan Begum" name two fathers.
    """
    disagreeing = min(unpaired_query, unpaired_entry)
    if not disagreeing:
        return 0.0, "no name part disagrees"
    if disagreeing == 1:
        return NAME_PART_DISAGREES, "1 name part disagrees"
    return NAME_PART_DISAGREES * disagreeing, f"{disagreeing} name parts disagree"


def evidence_factor(similarity: float) -> float:
    """Share of a token's rarity that a pair of this similarity proves (0 at 50, 1 at 100)."""
    return max(0.0, (similarity - 50.0) / 50.0)
