"""Blocking for watchlist matching: which list names a query is compared with.

Pure Python (no Django). Every alias of a :class:`~masar.screening.matching.MatchIndex`
is filed under each *pair* of phonetic keys of its tokens (one-token aliases
under their single key), in posting lists of alias ids sorted by the birth-year
bucket of the entry. :class:`CandidateSelection` reads, for a query, the lists
of its own key pairs and of pairs where one key is replaced by a key one edit
away (a typo), admits candidates only from lists that can lead to a hit, and
narrows long lists to the birth years that can still reach the threshold.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from heapq import nlargest
from itertools import accumulate
from typing import Final

from rapidfuzz.distance import OSA

from masar.screening.scoring import MIDDLE_TOKEN_DISCOUNT

__all__ = [
    "MAX_CANDIDATES",
    "NEAR_EXTRA",
    "POSTING_BUDGET",
    "SPELLING_ONLY_CREDIT",
    "YEAR_BITS",
    "CandidateSelection",
    "velar_key",
    "pack_postings",
    "year_bucket",
]

#: Most alias ids read from posting lists for one query.
POSTING_BUDGET: Final = 30_000
#: Most aliases scored in full for one query.
MAX_CANDIDATES: Final = 250
#: Extra room for candidates that share only a near-key pair (a misspelt token).
NEAR_EXTRA: Final = 250

YEAR_BITS: Final = 7
#: Queries with more tokens admit candidates from every pair list.
MAX_SUBSET_TOKENS: Final = 8
#: Similarity (0-100) credited, in the candidate bound, to a query token outside a set of
#: key-matched tokens: it may still pair with an entry token by spelling alone (Tathih and
#: Tadhidh, keys TS and TDD; ADR 0039b). A bound measured, not proven: a spelling-only pair
#: can score more, but those lost before (71-72) are kept, and at one million names no
#: planted applicant that candidate lists without any pruning would find is lost with it.
SPELLING_ONLY_CREDIT: Final = 75.0
#: Posting lists up to this long are read whole, whatever the birth years.
YEAR_SPLIT_MIN: Final = 48
YEAR_MASK: Final = (1 << YEAR_BITS) - 1


_VELAR: Final = str.maketrans("J", "K")


def velar_key(key: str) -> str:
    """``key`` with the j class merged into k, for blocking.

    Latin "g" writes both غ (Ghulam) and the Egyptian ج (Gamal), "c" the Turkish
    ج (Cemal) and the k of French spellings (Camara): a query looks up the keys
    equal to its own but for j/k as if they were its own (both tokens of a pair
    may differ so). The wider s/d/t merge of
    :func:`~masar.screening.scoring.loose_key` is left to scoring: as a blocking
    rule it made every query read a third more posting lists for no recall.
    """
    return key.translate(_VELAR)


def year_bucket(year: int) -> int:
    """0 for an unknown year, else 1 (1900 and before) to 127 (2026 and after)."""
    return 0 if not year else min(YEAR_MASK, max(1, year - 1899))


def pack_postings(
    composite: array[int], shift: int
) -> tuple[array[int], array[int], array[int], array[int]]:
    """Heads, offsets, alias ids and year buckets from (head, year, alias) packed ints."""
    ordered = sorted(composite)
    mask = (1 << shift) - 1
    counts = Counter([v >> (shift + YEAR_BITS) for v in ordered])
    heads = array("q", counts.keys())
    offsets = array("q", accumulate(counts.values(), initial=0))
    ids = array("i", [v & mask for v in ordered])
    years = array("B", [(v >> shift) & YEAR_MASK for v in ordered])
    return heads, offsets, ids, years


class CandidateSelection:
    """Candidate selection over the arrays that :class:`MatchIndex` builds (a mixin)."""

    __slots__ = ()

    _alias_rec: array[int]
    _alias_tok_off: array[int]
    _key_ids: dict[str, int]
    _key_text: list[str]
    _velar: dict[str, list[int]]
    _nbr: dict[str, int | list[int]]
    _pair_codes: array[int]
    _pair_off: array[int]
    _pair_post: array[int]
    _pair_year: array[int]
    _post: array[int]
    _post_off: array[int]
    _post_year: array[int]
    _rec_dob: array[int]
    _single: dict[int, array[int]]

    def _near_kids(self, key: str) -> list[int]:
        """Ids of the keys at most one edit (OSA distance) from ``key`` or equal to it but for
        j/k (:func:`velar_key`), its own first."""
        nbr = self._nbr
        found: set[int] = set()
        variants = [key]
        if len(key) >= 2:
            variants.extend(key[:i] + key[i + 1 :] for i in range(len(key)))
        for v in variants:
            x = nbr.get(v)
            if x is None:
                continue
            if isinstance(x, int):
                found.add(x)
            else:
                found.update(x)
        own = self._key_ids.get(key)
        key_text = self._key_text
        near = [
            k for k in found if k != own and OSA.distance(key, key_text[k], score_cutoff=1) <= 1
        ]
        seen = set(near)
        near.extend(k for k in self._velar.get(velar_key(key), ()) if k != own and k not in seen)
        return near if own is None else [own, *near]

    def _own_kids(self, kid: int, key: str) -> list[int]:
        """``kid`` (if known) and the ids of keys equal to ``key`` but for j/k."""
        same = self._velar.get(velar_key(key), ()) if key else ()
        if kid < 0:
            return list(same)
        return [kid, *(k for k in same if k != kid)]

    @staticmethod
    def _admitting_pairs(
        q_kids: Sequence[int],
        q_w: Sequence[float],
        by_pair: dict[tuple[int, int], list[tuple[bool, int, int]]],
        floor: float,
    ) -> set[tuple[int, int]]:
        """Query token pairs whose posting lists must admit candidates (see _candidates)."""
        n = len(q_kids)
        if n > MAX_SUBSET_TOKENS:
            return set(by_pair)
        # A token whose key the list does not know may still match by spelling:
        # losing it costs nothing in the bound.
        lost_if_unmatched = [
            0.0 if q_kids[t] < 0 else q_w[t] * (1.0 if t in (0, n - 1) else MIDDLE_TOKEN_DISCOUNT)
            for t in range(n)
        ]
        total_lost = sum(lost_if_unmatched)
        # A token outside the set may still pair by spelling alone: credit it as if it did,
        # at SPELLING_ONLY_CREDIT, and charge it only what leaving it unpaired costs (never
        # more than pairing it). An upper bound for spelling-only pairs up to that credit.
        spelling = [2.0 * q_w[t] * SPELLING_ONLY_CREDIT / 100.0 for t in range(n)]
        total_spelling = sum(spelling)
        size = {pair: sum(e - s for _, s, e in lists) for pair, lists in by_pair.items()}
        viable: dict[int, bool] = {}
        admitting: set[tuple[int, int]] = set()
        for mask in sorted(range(1 << n), key=int.bit_count):
            members = [t for t in range(n) if mask >> t & 1]
            if len(members) < 2:
                continue
            paired = 2.0 * sum(q_w[t] for t in members)
            got = paired + total_spelling - sum(spelling[t] for t in members)
            lost = total_lost - sum(lost_if_unmatched[t] for t in members)
            viable[mask] = ok = 100.0 * got / (paired + lost) >= floor
            if not ok or any(viable.get(mask & ~(1 << t), False) for t in members):
                continue  # not viable, or not minimal
            pairs = [(i, j) for x, i in enumerate(members) for j in members[x + 1 :]]
            if all(p in size for p in pairs):  # otherwise no alias matches all of them
                admitting.add(min(pairs, key=size.__getitem__))
        return admitting

    def _candidates(
        self,
        q_kids: list[int],
        q_w: list[float],
        near: list[list[int]],
        q_dob: int,
        floor: float,
        max_gap: int | None,
        q_keys: Sequence[str] = (),
    ) -> list[int]:
        """Aliases sharing a (near-)key pair with the query.

        A candidate can only reach ``floor`` if it matches a set of query
        tokens heavy enough (assuming perfect similarity for them, at most
        :data:`SPELLING_ONLY_CREDIT` for the other tokens, and no extra entry
        tokens). For every minimal such set, the smallest posting list of a
        pair inside it *admits* new candidates: any alias matching the whole
        set is in it. Other lists only count co-occurrences of admitted
        candidates. With a birth year and ``max_gap``, a long list is read only
        for entries born within ``max_gap`` years (a wider gap cannot reach the
        threshold) or in an unknown year.
        """
        n = len(q_kids)
        found: list[tuple[bool, int, int, int, bool]] = []  # (near, size, start, end, admit)
        first: list[int] = []
        if n == 1:
            source, years, offsets = self._post, self._post_year, self._post_off
            for k in near[0]:  # one-token names first: a one-word query matches them best
                first.extend(self._single.get(k, ()))
            for k in near[0]:
                found.append((k != q_kids[0], 0, offsets[k], offsets[k + 1], True))
        else:
            source, years = self._pair_post, self._pair_year
            codes, offsets = self._pair_codes, self._pair_off
            n_codes = len(codes)
            n_keys = len(self._key_text)
            by_pair: dict[tuple[int, int], list[tuple[bool, int, int]]] = {}
            # Keys equal to the query's own but for j/k (Gamal for Jamal) count as
            # its own: two variant tokens in one pair still meet.
            own = [self._own_kids(q_kids[i], q_keys[i] if q_keys else "") for i in range(n)]
            for i in range(n):
                for j in range(i + 1, n):
                    own_i, own_j = own[i], own[j]
                    combos = {(a, b) for a in near[i] for b in own_j}
                    combos.update((a, b) for a in own_i for b in near[j])
                    if not own_i and not own_j:
                        combos = {(a, b) for a in near[i] for b in near[j]}
                    lists: list[tuple[bool, int, int]] = []
                    for a, b in combos:
                        code = a * n_keys + b if a <= b else b * n_keys + a
                        idx = bisect_left(codes, code)
                        if idx < n_codes and codes[idx] == code:
                            lists.append((not (a in own_i and b in own_j), idx, idx))
                    if lists:
                        by_pair[(i, j)] = [
                            (is_near, offsets[idx], offsets[idx + 1]) for is_near, idx, _ in lists
                        ]
            admitting = self._admitting_pairs(q_kids, q_w, by_pair, floor)
            merged: dict[int, tuple[bool, int, bool]] = {}  # start -> (near, end, admit)
            for pair, lists in by_pair.items():
                admit = pair in admitting
                for is_near, s, e in lists:
                    prev = merged.get(s)
                    if prev is not None:
                        is_near, admit = is_near and prev[0], admit or prev[2]
                    merged[s] = (is_near, e, admit)
            found.extend((is_near, 0, s, e, admit) for s, (is_near, e, admit) in merged.items())
            for k in q_kids:  # one-token aliases cannot share a pair with the query
                if k >= 0:
                    first.extend(self._single.get(k, ()))

        q_year = q_dob // 10000
        ranges: list[tuple[bool, int, int, int, bool]] = []
        if q_year and max_gap is not None:
            low, high = year_bucket(q_year - max_gap), year_bucket(q_year + max_gap)
            for is_near, _, s, e, admit in found:
                if e - s <= YEAR_SPLIT_MIN:
                    ranges.append((is_near, e - s, s, e, admit))
                    continue
                unknown = bisect_right(years, 0, s, e)
                lo = bisect_left(years, low, unknown, e)
                hi = bisect_right(years, high, lo, e)
                ranges.append((is_near, unknown - s + hi - lo, s, unknown, admit))
                if hi > lo:
                    ranges.append((is_near, unknown - s + hi - lo, lo, hi, admit))
        else:
            ranges = [(is_near, e - s, s, e, admit) for is_near, _, s, e, admit in found]
        ranges.sort()

        counts: Counter[int] = Counter(first)
        admitted = set(first)
        total = 0
        for is_near, _, s, e, admit in ranges:
            if s == e or (total and total + e - s > POSTING_BUDGET):
                continue
            total += e - s
            chunk = source[s:e]
            if admit and (not is_near or len(admitted) < MAX_CANDIDATES + NEAR_EXTRA):
                counts.update(chunk)
                admitted.update(chunk)
            else:  # only count co-occurrences of the candidates already admitted
                counts.update(admitted.intersection(chunk))
        if len(admitted) <= MAX_CANDIDATES:
            return list(admitted)
        if not q_dob:
            return nlargest(MAX_CANDIDATES, admitted, key=counts.__getitem__)
        # Too many namesakes: prefer those with the closest birth date (classes 5 to 0: the
        # same date, year and month, year only listed, same year, a year apart or unknown,
        # further), then the most shared key pairs. One pass files them by class; only the
        # class that overflows is ranked (as `nlargest` by (class, count) would, ties in
        # the order read).
        dob, rec_of = self._rec_dob, self._alias_rec
        q_month = q_dob // 100
        classes: list[list[int]] = [[], [], [], [], [], []]
        for a in admitted:
            d = dob[rec_of[a]]
            if not d:
                classes[1].append(a)
            elif d // 10000 != q_year:
                classes[1 if abs(d // 10000 - q_year) <= 1 else 0].append(a)
            elif d == q_dob:
                classes[5].append(a)
            elif d // 100 == q_month:
                classes[4].append(a)
            else:
                classes[3 if d % 10000 == 0 else 2].append(a)
        chosen: list[int] = []
        for members in reversed(classes):
            room = MAX_CANDIDATES - len(chosen)
            if len(members) <= room:
                chosen.extend(sorted(members, key=counts.__getitem__, reverse=True))
            else:
                chosen.extend(nlargest(room, members, key=counts.__getitem__))
                break
        return chosen
