"""Watchlist matching index: built once per list version, searched per applicant.

Pure Python (no Django). :meth:`MatchIndex.build` turns the records of one
watchlist version into flat arrays of ints (no Python object per token or per
token pair), and :meth:`MatchIndex.search` screens one name against it:

1. The query is tokenized and keyed with :mod:`masar.screening.names`.
2. Blocking: every alias is indexed under each *pair* of phonetic keys of its
   tokens. A query looks up its own key pairs and, to survive a typo, the pairs
   where one key is replaced by a key at one edit from it. A candidate thus
   shares two name parts with the query (one-token names use single keys),
   which keeps the candidates to a few hundred even for common names; the
   smallest posting lists are read first, within :data:`POSTING_BUDGET`.
3. Each candidate's tokens are scored against the query tokens in batches with
   rapidfuzz, aligned regardless of order, and weighted by the rarity of their
   keys (see :mod:`masar.screening.scoring`).
4. The birth date and nationality adjust the score, and so do the rarity of
   the match in a list of this size and name parts that disagree; hits at or
   above the threshold come back with an explanation (:meth:`Hit.explain`).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

from masar.screening.blocking import (
    MAX_CANDIDATES,
    NEAR_EXTRA,
    POSTING_BUDGET,
    YEAR_BITS,
    CandidateSelection,
    pack_postings,
    velar_key,
    year_bucket,
)
from masar.screening.countries import normalize_country
from masar.screening.names import abdi_reading, name_tokens, phonetic_key
from masar.screening.records import Hit, PreparedName, WatchlistRecord
from masar.screening.scoring import (
    BIRTH_DATE_EVIDENCE,
    FUZZY_FLOOR,
    LOOSE_SIMILARITY,
    LOOSE_SPELLING,
    MAX_BONUS,
    NATIONALITY_EVIDENCE,
    TYPO_MIN_LENGTH,
    TYPO_SIMILARITY,
    TYPO_SPELLING,
    TokenMatch,
    align_tokens,
    birth_date_adjustment,
    disagreement_adjustment,
    encode_partial_date,
    evidence_factor,
    identity_rule,
    key_similarity_from_distance,
    loose_key,
    max_birth_year_gap,
    nationality_adjustment,
    phonetic_similarity,
    rarity_adjustment,
    spelling_close,
    token_similarity,
    typo_keys,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_CANDIDATES",
    "NEAR_EXTRA",
    "POSTING_BUDGET",
    "Hit",
    "MatchIndex",
    "PreparedName",
    "TokenMatch",
    "WatchlistRecord",
    "name_similarity",
]

#: Default minimum score (0-100) of a hit.
DEFAULT_THRESHOLD: Final = 82.0
#: Pseudo-count of names added to the list size in the rarity estimate, so that
#: a tiny list does not make every name look common.
PRIOR_NAMES: Final = 1000
#: Token weights are ln(aliases / aliases with the key), clamped to this range.
MIN_WEIGHT: Final = 1.0
MAX_WEIGHT: Final = 7.0


def _prepare_unweighted(name: str) -> PreparedName:
    tokens = tuple(name_tokens(name))
    return PreparedName(tokens, tuple(phonetic_key(t) for t in tokens), (1.0,) * len(tokens))


def _prepared_score(query: PreparedName, entry: PreparedName) -> float:
    rows = [
        [
            token_similarity(qt, qk, et, ek)[0]
            for qt, qk in zip(query.tokens, query.keys, strict=True)
        ]
        for et, ek in zip(entry.tokens, entry.keys, strict=True)
    ]
    return align_tokens(rows, query.weights, entry.weights)[0]


def name_similarity(a: str, b: str) -> float:
    """Name score (0-100) of two names with equal token weights, outside any index."""
    return _prepared_score(_prepare_unweighted(a), _prepare_unweighted(b))


def _weight(aliases: int, df: int) -> float:
    return min(MAX_WEIGHT, max(MIN_WEIGHT, math.log((aliases + 1) / (df + 0.5))))


class MatchIndex(CandidateSelection):
    """Searchable index of one watchlist version; build it with :meth:`build`."""

    __slots__ = (
        "_alias_blob",
        "_alias_kid",
        "_alias_off",
        "_alias_rec",
        "_alias_tok",
        "_alias_tok_off",
        "_entry_blob",
        "_entry_off",
        "_key_idf",
        "_key_ids",
        "_key_text",
        "_key_w",
        "_velar",
        "_nat_codes",
        "_nbr",
        "_pair_codes",
        "_pair_off",
        "_pair_post",
        "_pair_year",
        "_post",
        "_post_off",
        "_post_year",
        "_rec_dob",
        "_rec_nat",
        "_single",
        "_tok_ids",
        "_tok_kid",
        "_tok_text",
        "_tok_typo",
        "_unknown_w",
    )

    def __init__(self) -> None:
        self._entry_blob = b""
        self._entry_off = array("q", [0])
        self._alias_blob = b""
        self._alias_off = array("q", [0])
        self._alias_rec = array("i")
        self._alias_tok_off = array("q", [0])
        self._alias_tok = array("i")
        self._alias_kid = array("i")
        self._rec_dob = array("i")
        self._rec_nat = array("H")
        self._nat_codes: list[str] = [""]
        self._tok_text: list[str] = []
        self._tok_ids: dict[str, int] = {}
        self._tok_kid = array("i")
        self._tok_typo: list[frozenset[str]] = []
        self._key_text: list[str] = []
        self._key_ids: dict[str, int] = {}
        self._key_w: list[float] = []
        self._key_idf: list[float] = []
        self._post_off = array("q", [0])
        self._post = array("i")
        self._post_year = array("B")
        self._pair_codes = array("q")
        self._pair_off = array("q", [0])
        self._pair_post = array("i")
        self._pair_year = array("B")
        self._nbr: dict[str, int | list[int]] = {}
        self._velar: dict[str, list[int]] = {}
        self._single: dict[int, array[int]] = {}
        self._unknown_w = MAX_WEIGHT

    # ------------------------------------------------------------------ build

    @classmethod
    def build(cls, records: Iterable[WatchlistRecord]) -> MatchIndex:
        """Index ``records`` (consumed once, so a generator keeps memory low)."""
        self = cls()
        self._load(records)
        self._index_keys()
        return self

    def _load(self, records: Iterable[WatchlistRecord]) -> None:
        tok_ids = self._tok_ids
        tok_text = self._tok_text
        alias_tok = self._alias_tok
        alias_tok_off = self._alias_tok_off
        alias_rec = self._alias_rec
        alias_off = self._alias_off
        entry_off = self._entry_off
        rec_dob = self._rec_dob
        rec_nat = self._rec_nat
        nat_ids = {"": 0}
        alias_blob = bytearray()
        entry_blob = bytearray()
        for record in records:
            rec = len(rec_dob)
            entry_blob += record.entry_id.encode()
            entry_off.append(len(entry_blob))
            rec_dob.append(encode_partial_date(record.birth_date))
            nat = normalize_country(record.nationality) or ""
            nat_id = nat_ids.get(nat)
            if nat_id is None:
                nat_id = nat_ids[nat] = len(self._nat_codes)
                self._nat_codes.append(nat)
            rec_nat.append(nat_id)
            for alias in record.names:
                tokens = name_tokens(alias)
                if not tokens:
                    continue
                # Both readings of a Somali "Abdi X" (see abdi_reading), under one alias text.
                fused = abdi_reading(tokens)
                for reading in (tokens,) if fused is None else (tokens, fused):
                    for token in reading:
                        tid = tok_ids.get(token)
                        if tid is None:
                            tid = tok_ids[token] = len(tok_text)
                            tok_text.append(token)
                        alias_tok.append(tid)
                    alias_tok_off.append(len(alias_tok))
                    alias_rec.append(rec)
                    alias_blob += alias.encode()
                    alias_off.append(len(alias_blob))
        self._alias_blob = bytes(alias_blob)
        self._entry_blob = bytes(entry_blob)

    def _index_keys(self) -> None:
        key_ids = self._key_ids
        key_text = self._key_text
        compute_key = phonetic_key.__wrapped__  # bypass the query-time cache
        for token in self._tok_text:
            key = compute_key(token)
            kid = key_ids.get(key)
            if kid is None:
                kid = key_ids[key] = len(key_text)
                key_text.append(key)
            self._tok_kid.append(kid)
        self._alias_kid = array("i", map(self._tok_kid.__getitem__, self._alias_tok))

        n_alias = len(self._alias_rec)
        n_keys = len(key_text)
        shift = max(n_alias.bit_length(), 1)
        if (n_keys * n_keys) << (shift + YEAR_BITS) >= 1 << 63:
            raise ValueError("watchlist too large for the pair index")
        # Posting lists are sorted by the birth-year bucket of the entry, so that a
        # query can read only the years that can still reach its threshold.
        rec_bucket = bytes(year_bucket(d // 10000) for d in self._rec_dob)
        df = [0] * n_keys
        by_key = array("q")
        by_pair = array("q")
        off = self._alias_tok_off
        kids_of = self._alias_kid
        alias_rec = self._alias_rec
        singles: dict[int, list[int]] = {}
        for a in range(n_alias):
            klist = kids_of[off[a] : off[a + 1]]
            kids = sorted(set(klist))
            tag = (rec_bucket[alias_rec[a]] << shift) | a
            for k in kids:
                df[k] += 1
                by_key.append((k << (shift + YEAR_BITS)) | tag)
            if len(klist) == 1:
                singles.setdefault(klist[0], []).append(a)
                continue
            codes = {
                kids[x] * n_keys + kids[y]
                for x in range(len(kids))
                for y in range(x + 1, len(kids))
            }
            if len(kids) < len(klist):  # a key written twice pairs with itself
                codes.update(k * n_keys + k for k in kids if klist.count(k) > 1)
            by_pair.extend((c << (shift + YEAR_BITS)) | tag for c in codes)
        self._single = {k: array("i", v) for k, v in singles.items()}
        _, self._post_off, self._post, self._post_year = pack_postings(by_key, shift)
        del by_key
        self._pair_codes, self._pair_off, self._pair_post, self._pair_year = pack_postings(
            by_pair, shift
        )
        del by_pair

        self._key_w = [_weight(n_alias, d) for d in df]
        self._key_idf = [math.log((n_alias + PRIOR_NAMES) / (d + 0.5)) for d in df]

        self._unknown_w = _weight(n_alias, 0)

        # Deletion neighbourhood of keys, to find keys one edit away.
        nbr: dict[str, int | list[int]] = {}
        for kid, key in enumerate(key_text):
            variants = {key}
            if len(key) >= 2:
                variants.update(key[:i] + key[i + 1 :] for i in range(len(key)))
            for v in variants:
                x = nbr.get(v)
                if x is None:
                    nbr[v] = kid
                elif isinstance(x, int):
                    nbr[v] = [x, kid]
                else:
                    x.append(kid)
        self._nbr = nbr

        # Deletion keys of every token for the typo rule (see typo_related), once per
        # index: a query then never computes them for the tokens it meets. Keys are
        # shared through one dict, so each distinct key string is stored once.
        compute_typo = typo_keys.__wrapped__
        shared: dict[str, str] = {}
        no_keys: frozenset[str] = frozenset()
        self._tok_typo = [
            frozenset(shared.setdefault(k, k) for k in compute_typo(token))
            if len(token) >= TYPO_MIN_LENGTH
            else no_keys
            for token in self._tok_text
        ]

        # Keys equal but for j/k (Gamal/Jamal, Cemal/Kemal): see velar_key.
        velar: dict[str, list[int]] = {}
        for kid, key in enumerate(key_text):
            velar.setdefault(velar_key(key), []).append(kid)
        self._velar = {k: v for k, v in velar.items() if len(v) > 1}

    # ------------------------------------------------------------ inspection

    def __len__(self) -> int:
        """Number of records."""
        return len(self._rec_dob)

    @property
    def alias_count(self) -> int:
        """Number of indexed names (primary names and aliases that gave tokens).

        A Somali "Abdi X" name counts twice: it is indexed under both readings.
        """
        return len(self._alias_rec)

    @property
    def token_count(self) -> int:
        """Number of distinct normalized tokens."""
        return len(self._tok_text)

    @property
    def key_count(self) -> int:
        """Number of distinct phonetic keys."""
        return len(self._key_text)

    def prepare(self, name: str) -> PreparedName:
        """Tokens, keys and this index's weights for ``name`` (for :meth:`name_score`)."""
        tokens = tuple(name_tokens(name))
        keys = tuple(phonetic_key(t) for t in tokens)
        kids = [self._key_ids.get(k, -1) for k in keys]
        weights = self._query_weights(kids, [self._near_kids(k) for k in keys])
        return PreparedName(tokens, keys, tuple(weights))

    def name_score(self, query: PreparedName, entry: PreparedName) -> float:
        """Name score (0-100) of two prepared names, as :meth:`search` computes it."""
        return _prepared_score(query, entry)

    def _query_weights(self, kids: Sequence[int], near: Sequence[Sequence[int]]) -> list[float]:
        # A key the list does not know is most likely a misspelling of a near key
        # that it knows: weigh it like the most frequent of those.
        key_w = self._key_w
        return [
            key_w[k] if k >= 0 else min((key_w[x] for x in nk), default=self._unknown_w)
            for k, nk in zip(kids, near, strict=True)
        ]

    # ---------------------------------------------------------------- search

    def search(
        self,
        name: str,
        *,
        birth_date: date | str | None = None,
        nationality: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
    ) -> list[Hit]:
        """Entries matching ``name`` with a score of at least ``threshold``, best first.

        ``birth_date`` (a date or ``"YYYY"``/``"YYYY-MM"``/``"YYYY-MM-DD"``)
        and ``nationality`` (ISO alpha-2 or alpha-3) adjust the name score when
        both the query and the entry have them. One hit per entry, via its
        best-matching alias; at most ``limit`` hits.
        """
        q_dob = encode_partial_date(birth_date)
        q_nat = normalize_country(nationality)
        q_tokens = name_tokens(name)
        if not q_tokens or not self._alias_rec or limit <= 0:
            return []
        hits = self._search_tokens(q_tokens, q_dob, q_nat, threshold)
        fused = abdi_reading(q_tokens)
        if fused is not None:  # a Somali "Abdi X": screened under both readings
            best = {h.entry_id: h for h in hits}
            for hit in self._search_tokens(fused, q_dob, q_nat, threshold):
                prev = best.get(hit.entry_id)
                if prev is None or hit.score > prev.score:
                    best[hit.entry_id] = hit
            hits = list(best.values())
        hits.sort(key=lambda h: (-h.score, h.entry_id))
        return hits[:limit]

    def _search_tokens(
        self, q_tokens: list[str], q_dob: int, q_nat: str | None, threshold: float
    ) -> list[Hit]:
        """Every hit of the query tokens at or above ``threshold`` (see :meth:`search`)."""
        n = len(q_tokens)
        q_keys = [phonetic_key(t) for t in q_tokens]
        key_ids = self._key_ids
        q_kids = [key_ids.get(k, -1) for k in q_keys]
        near = [self._near_kids(k) for k in q_keys]
        q_w = self._query_weights(q_kids, near)

        floor = threshold - (MAX_BONUS if (q_dob or q_nat) else 0.0)
        candidates = self._candidates(
            q_kids, q_w, near, q_dob, floor, max_birth_year_gap(threshold), q_keys
        )
        if not candidates:
            return []

        # Similarity of every distinct candidate token with every query token;
        # tokens with none stay out of ``rows``.
        tok_off, alias_tok = self._alias_tok_off, self._alias_tok
        tids: set[int] = set()
        for a in candidates:
            tids.update(alias_tok[tok_off[a] : tok_off[a + 1]])
        tid_list = list(tids)
        tok_text, tok_kid, key_text = self._tok_text, self._tok_kid, self._key_text
        texts = [tok_text[t] for t in tid_list]
        rows: dict[int, list[float]] = {}
        row: list[float] | None
        q_phonetic = [phonetic_similarity(k) for k in q_keys]
        by_kid: dict[int, list[int]] = {}
        q_pos: dict[int, list[int]] = {}
        for i, k in enumerate(q_kids):
            q_pos.setdefault(k, []).append(i)
        for idx, t in enumerate(tid_list):
            kid = tok_kid[t]
            by_kid.setdefault(kid, []).append(idx)
            same = q_pos.get(kid)
            if same:
                row = rows[t] = [0.0] * n
                for i in same:
                    row[i] = 100.0 if texts[idx] == q_tokens[i] else q_phonetic[i]
        similarity = OSA.normalized_similarity
        for i, qt in enumerate(q_tokens):
            for _, s, idx in process.extract_iter(
                qt, texts, scorer=similarity, score_cutoff=FUZZY_FLOOR / 100
            ):
                t = tid_list[idx]
                row = rows.get(t)
                if row is None:
                    row = rows[t] = [0.0] * n
                if 100.0 * s > row[i]:
                    row[i] = 100.0 * s
        kid_list = list(by_kid)
        key_texts = [key_text[k] for k in kid_list]
        # Keys that differ only within the loose classes (see loose_key).
        q_loose: dict[str, list[int]] = {}
        for i, qk in enumerate(q_keys):
            q_loose.setdefault(loose_key(qk), []).append(i)
        for kid, ek in zip(kid_list, key_texts, strict=True):
            same = q_loose.get(loose_key(ek))
            if not same:
                continue
            for idx in by_kid[kid]:
                t = tid_list[idx]
                row = rows.get(t)
                for i in same:
                    if (row is None or row[i] < LOOSE_SIMILARITY) and spelling_close(
                        q_tokens[i], texts[idx], LOOSE_SPELLING
                    ):
                        if row is None:
                            row = rows[t] = [0.0] * n
                        row[i] = LOOSE_SIMILARITY
        for i, qk in enumerate(q_keys):
            qt = q_tokens[i]
            for ek, d, kidx in process.extract_iter(
                qk, key_texts, scorer=OSA.distance, score_cutoff=4
            ):
                ks = key_similarity_from_distance(int(d), max(len(qk), len(ek)))
                if ks < FUZZY_FLOOR:
                    continue
                for idx in by_kid[kid_list[kidx]]:
                    t = tid_list[idx]
                    row = rows.get(t)
                    if (row is None or row[i] == 0.0) and spelling_close(qt, texts[idx]):
                        if row is None:
                            row = rows[t] = [0.0] * n
                        row[i] = ks

        # A typo stacked on a spelling variant (see typo_related): symmetric
        # deletion on the tokens, compared by phonetic key.
        # Only pairs whose keys start with the same sound qualify: the query tokens are
        # filed by that sound, so each candidate token meets only its own.
        q_typo = [typo_keys(qt) if len(qt) >= TYPO_MIN_LENGTH else None for qt in q_tokens]
        typo_by_first: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for i, q_set in enumerate(q_typo):
            if q_set:
                typo_by_first.setdefault(q_keys[i][:1], []).append((i, q_set))
        if typo_by_first:
            tok_typo = self._tok_typo
            for idx, t in enumerate(tid_list):
                meets = typo_by_first.get(key_text[tok_kid[t]][:1])
                if meets is None:
                    continue
                e_typo = tok_typo[t]
                if not e_typo:  # shorter than TYPO_MIN_LENGTH, or no key of 3+ sounds
                    continue
                et = texts[idx]
                row = rows.get(t)
                for i, q_deletions in meets:
                    if row is not None and row[i] >= TYPO_SIMILARITY:
                        continue
                    if not q_deletions.isdisjoint(e_typo) and similarity(q_tokens[i], et) >= (
                        TYPO_SPELLING
                    ):
                        if row is None:
                            row = rows[t] = [0.0] * n
                        row[i] = TYPO_SIMILARITY

        # Score candidates; keep the best alias per record.
        alias_rec, key_w = self._alias_rec, self._key_w
        best: dict[int, tuple[float, int, list[tuple[int, int, float]]]] = {}
        for a in candidates:
            etids = alias_tok[tok_off[a] : tok_off[a + 1]]
            e_rows = [rows.get(t) for t in etids]
            if not any(e_rows):
                continue
            score, pairs = align_tokens(e_rows, q_w, [key_w[tok_kid[t]] for t in etids])
            if score < floor:
                continue
            rec = alias_rec[a]
            prev = best.get(rec)
            if prev is None or score > prev[0]:
                best[rec] = (score, a, pairs)

        hits: list[Hit] = []
        rec_dob, rec_nat, nat_codes = self._rec_dob, self._rec_nat, self._nat_codes
        for rec, (score, a, pairs) in best.items():
            # Cheap bound first: the rarity adjustment can only lower the score.
            bound = score + birth_date_adjustment(q_dob, rec_dob[rec])[0]
            bound += nationality_adjustment(q_nat, nat_codes[rec_nat[rec]])[0]
            if bound < threshold:
                continue
            hit = self._hit(rec, a, score, pairs, q_tokens, q_kids, q_dob, q_nat)
            if hit.score >= threshold:
                hits.append(hit)
        return hits

    def _hit(
        self,
        rec: int,
        alias: int,
        name_score: float,
        pairs: Sequence[tuple[int, int, float]],
        q_tokens: Sequence[str],
        q_kids: Sequence[int],
        q_dob: int,
        q_nat: str | None,
    ) -> Hit:
        dob_adj, dob_reason = birth_date_adjustment(q_dob, self._rec_dob[rec])
        nat_adj, nat_reason = nationality_adjustment(q_nat, self._nat_codes[self._rec_nat[rec]])
        etids = self._alias_tok[self._alias_tok_off[alias] : self._alias_tok_off[alias + 1]]
        e_tokens = [self._tok_text[t] for t in etids]
        idf, tok_kid = self._key_idf, self._tok_kid
        evidence = sum(evidence_factor(s) * idf[tok_kid[etids[j]]] for _, j, s in pairs)
        evidence += BIRTH_DATE_EVIDENCE.get(dob_adj, 0.0)
        if nat_adj > 0:
            evidence += NATIONALITY_EVIDENCE
        rare_adj, rare_reason, expected = rarity_adjustment(evidence, len(self._alias_rec))
        complete = len(pairs) == len(q_tokens) == len(etids)
        nat_extra, rule_reason = identity_rule(
            complete_name=complete, nationality_adjustment=nat_adj
        )
        if nat_extra:
            nat_adj += nat_extra
            nat_reason = rule_reason
        used_q = {i for i, _, _ in pairs}
        used_e = {j for _, j, _ in pairs}
        part_adj, part_reason = disagreement_adjustment(
            len(q_tokens) - len(used_q), len(etids) - len(used_e)
        )
        score = min(100.0, max(0.0, name_score + dob_adj + nat_adj + rare_adj + part_adj))
        matches = []
        for i, j, s in sorted(pairs):
            how = (
                "exact"
                if q_tokens[i] == e_tokens[j]
                else "phonetic"
                if q_kids[i] == self._tok_kid[etids[j]]
                else "fuzzy"
            )
            matches.append(TokenMatch(q_tokens[i], e_tokens[j], how, s))
        return Hit(
            entry_id=self._entry_blob[self._entry_off[rec] : self._entry_off[rec + 1]].decode(),
            matched_alias=self._alias_blob[
                self._alias_off[alias] : self._alias_off[alias + 1]
            ].decode(),
            score=score,
            name_score=name_score,
            birth_date_adjustment=dob_adj,
            birth_date_reason=dob_reason,
            nationality_adjustment=nat_adj,
            nationality_reason=nat_reason,
            rarity_adjustment=rare_adj,
            rarity_reason=rare_reason,
            expected_chance_matches=expected,
            disagreement_adjustment=part_adj,
            disagreement_reason=part_reason,
            token_matches=tuple(matches),
            unmatched_query_tokens=tuple(t for i, t in enumerate(q_tokens) if i not in used_q),
            unmatched_entry_tokens=tuple(t for j, t in enumerate(e_tokens) if j not in used_e),
        )
