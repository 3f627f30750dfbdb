"""Benchmark of watchlist screening: recall, precision, speed and memory.

Usage: ``.venv/bin/python benchmarks/screening.py [--quick]``

Builds a synthetic watchlist (1,000,000 people by default; ``--quick`` 50,000)
from :mod:`_namegen`, plants variants of 1,000 list entries (spelling variants,
Arabic vs Latin script, reordered or dropped tokens, one-edit typos, birth year
only) among 10,000 applicants (the others are not on the list), screens every
applicant with :class:`masar.screening.matching.MatchIndex`, and compares the
time per applicant with a brute-force ``rapidfuzz.process.extract`` over all
primary names with the same name scorer, measured on a sample of applicants.

Definitions: a true positive is a planted applicant whose source entry is among
its hits at or above the threshold; a false positive is any other hit at or
above the threshold. The last line printed is ``RESULT {json}``.

Ground truth, reported besides: the generator knows which name parts (before
spelling) each person has. A planted applicant is *ambiguous* when another
list entry has all of its remaining parts (at most one more) and a birth date
compatible with the one the applicant gives: no matcher can tell the two apart
by name and birth date. A false positive is a *true namesake* by the same test.
A false positive is *indistinguishable* when the entry has exactly the name
parts the applicant gave (or all of the person's), a known birth date
compatible with the applicant's and no other nationality: a real screening
system must raise it. Such hits stay in ``precision`` (and in
``false_positives``); ``false_positives_indistinguishable`` counts them and
``precision_excluding_indistinguishable`` leaves them out, said as such.
``planted_with_exact_namesake`` counts planted people who share all their name
parts and their birth year with another list entry (the realism of the
generator's population, see docs/adr/0039).

Trade-off: one more pass at threshold 70 gives recall and precision at other
thresholds (``curve``; a list's threshold is the ministry's choice) and the best
recall at precision 0.90 or more over every threshold from 70
(``recall_at_precision_0_90``, with its threshold).

Time: ``ms_per_applicant`` is wall-clock time; ``cpu_ms_per_applicant`` is the
CPU time of this (single-threaded) process, the figure for "one core" on a
machine shared with other work; ``ratio_cpu`` compares it with the brute
force's CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))
try:
    import masar.screening.matching  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(_HERE.parent / "src"))

from rapidfuzz import fuzz, process  # noqa: E402

from _namegen import (  # noqa: E402
    ALPHA3_TO_2,
    NATIONALITIES,
    REGION_STYLES,
    NameGenerator,
    Part,
    Person,
    typo,
)
from masar.screening.matching import (  # noqa: E402
    DEFAULT_THRESHOLD,
    MatchIndex,
    WatchlistRecord,
)

ALPHA2_TO_3 = {v: k for k, v in ALPHA3_TO_2.items()}


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def entry_for(gen: NameGenerator, person: Person, rng: random.Random, idx: int) -> WatchlistRecord:
    """A list entry: primary name (sometimes in Arabic script), aliases, partial data."""
    arabic_primary = person.arabic_ok and person.region == "arab" and rng.random() < 0.1
    names = [gen.full_name(person, arabic=arabic_primary, rng=rng)]
    n_alias = 0 if rng.random() < 0.7 else (1 if rng.random() < 0.8 else 2)
    for _ in range(n_alias):
        if person.arabic_ok and not arabic_primary and rng.random() < 0.5:
            names.append(gen.full_name(person, arabic=True, rng=rng))
        else:
            style = rng.choice([s for s, _ in REGION_STYLES[person.region]])
            names.append(gen.full_name(person, style=style, rng=rng))
    r = rng.random()
    birth = person.birth_date if r < 0.85 else person.birth_date[:4] if r < 0.95 else None
    r = rng.random()
    nat: str | None = person.nationality
    if r < 0.2:
        nat = ALPHA3_TO_2[person.nationality]
    elif r < 0.3:
        nat = None
    return WatchlistRecord(f"WL{idx:07d}", names, birth, nat)


def planted_variant(
    gen: NameGenerator, person: Person, record: WatchlistRecord, rng: random.Random
) -> tuple[str, str, str, list[str], list[Part]]:
    """An applicant from a list entry: (name, birth date, nationality, transforms, parts kept)."""
    transforms: list[str] = []
    arabic = False
    if person.arabic_ok and rng.random() < 0.2:
        arabic = not any("\u0600" <= c <= "\u06ff" for c in record.names[0])
        transforms.append("arabic_script" if arabic else "latin_from_arabic")
    styles = [s for s, _ in REGION_STYLES[person.region]]
    tokens: list[str] = []
    parts: list[Part] = []
    for _attempt in range(6):
        style = rng.choice(styles)
        rendered = [
            (gen.render_part(part, person, style, arabic, rng), part) for part in person.parts
        ]
        tokens = [w for w, _ in rendered if w]
        parts = [p for w, p in rendered if w]
        if " ".join(tokens) not in record.names:
            break
    if " ".join(tokens) not in record.names:
        transforms.append("spelling")
    if len(tokens) >= 3 and rng.random() < 0.25:
        drop = rng.randrange(1, len(tokens) - 1)
        del tokens[drop], parts[drop]
        transforms.append("dropped_middle")
    if len(tokens) >= 2 and rng.random() < 0.2:
        if rng.random() < 0.5:
            tokens.insert(0, tokens.pop())
        else:
            rng.shuffle(tokens)
        transforms.append("reordered")
    if rng.random() < 0.3 or not transforms:
        i = rng.randrange(len(tokens))
        words = tokens[i].split(" ")
        j = max(range(len(words)), key=lambda k: (len(words[k]), rng.random()))
        words[j] = typo(words[j], rng)
        tokens[i] = " ".join(words)
        transforms.append("typo")
    year = int(person.birth_date[:4])
    if rng.random() < 0.3:
        birth = f"{year:04d}"
        transforms.append("birth_year_only")
    else:
        birth = person.birth_date
    nationality = person.nationality
    if rng.random() < 0.05:
        nationality = rng.choice(NATIONALITIES[person.region])
    return " ".join(tokens), birth, nationality, transforms, parts


class GroundTruth:
    """Underlying name parts of every list entry, to recognise true namesakes."""

    def __init__(self) -> None:
        self.part_ids: dict[Part, int] = {}
        self.entries: list[tuple[int, ...]] = []
        self.births: list[str | None] = []
        self.nationalities: list[str | None] = []
        self.postings: dict[int, list[int]] = {}
        self.by_name_year: dict[tuple[tuple[int, ...], str], int] = {}

    def ident(self, parts: list[Part]) -> tuple[int, ...]:
        ids = self.part_ids
        return tuple(sorted(ids.setdefault(p, len(ids)) for p in parts if p.kind != "conn"))

    def add(self, person: Person, birth: str | None, nationality: str | None) -> None:
        ident = self.ident(person.parts)
        for part in set(ident):
            self.postings.setdefault(part, []).append(len(self.entries))
        self.entries.append(ident)
        self.births.append(birth)
        self.nationalities.append(nationality and ALPHA2_TO_3.get(nationality, nationality))
        key = (ident, person.birth_date[:4])
        self.by_name_year[key] = self.by_name_year.get(key, 0) + 1

    def exact_namesakes(self, person: Person) -> int:
        """Other people of the list with all of ``person``'s name parts and birth year."""
        return self.by_name_year.get((self.ident(person.parts), person.birth_date[:4]), 1) - 1

    def indistinguishable(
        self, idents: tuple[tuple[int, ...], ...], birth: str, nationality: str, entry: int
    ) -> bool:
        """Same name parts as given, the same (known) birth date and no other nationality.

        No matcher can tell such an entry from the applicant by what screening
        compares; a real system must raise it, so it counts as a false positive
        but is also reported apart.
        """
        listed = self.births[entry]
        nat = self.nationalities[entry]
        return (
            self.entries[entry] in idents
            and listed is not None
            and self._compatible(birth, listed)
            and nat in (None, nationality)
        )

    @staticmethod
    def _compatible(given: str, listed: str | None) -> bool:
        if listed is None:
            return True
        if len(given) == 4 or len(listed) == 4:
            return given[:4] == listed[:4]
        return given == listed

    @staticmethod
    def _contains(big: tuple[int, ...], small: tuple[int, ...]) -> bool:
        rest = list(big)
        for part in small:
            if part not in rest:
                return False
            rest.remove(part)
        return len(rest) <= 1

    def namesake(self, ident: tuple[int, ...], birth: str, entry: int) -> bool:
        """Same parts as list entry ``entry`` (one more or less) and a compatible birth date."""
        other = self.entries[entry]
        same = self._contains(other, ident) or self._contains(ident, other)
        return same and self._compatible(birth, self.births[entry])

    def ambiguous(self, ident: tuple[int, ...], birth: str, source: int) -> bool:
        """Whether an entry other than ``source`` has all of ``ident`` and a compatible birth date."""
        candidates: set[int] | None = None
        for part in sorted(set(ident), key=lambda p: len(self.postings.get(p, ()))):
            found = set(self.postings.get(part, ()))
            candidates = found if candidates is None else candidates & found
            if not candidates:
                return False
        return any(
            e != source
            and self._contains(self.entries[e], ident)
            and self._compatible(birth, self.births[e])
            for e in candidates or ()
        )


#: Lowest threshold of the trade-off curve, and its points.
CURVE_FLOOR = 70.0
CURVE_THRESHOLDS = (70.0, 74.0, 78.0, 80.0, 82.0, 84.0, 86.0, 90.0)
TARGET_PRECISION = 0.90


def trade_off(
    index: MatchIndex, applicants: list, threshold: float
) -> tuple[dict[float, tuple[float, float]], tuple[float, float] | None]:
    """Recall and precision at other thresholds, from one more pass at :data:`CURVE_FLOOR`.

    A list's threshold is the ministry's choice; this is what each choice gives on the
    same applicants. Also the best recall at precision :data:`TARGET_PRECISION` or more,
    over every threshold from the floor up, and that threshold. (Not timed: the time
    figures are those of the pass at ``threshold``.)
    """
    floor = min(CURVE_FLOOR, threshold)
    planted = sum(1 for a in applicants if a[3] is not None)
    scored: list[tuple[float, bool]] = []
    for name, birth, nat, source, *_ in applicants:
        for hit in index.search(name, birth_date=birth, nationality=nat, threshold=floor):
            scored.append((hit.score, hit.entry_id == source))
    scored.sort(key=lambda x: -x[0])
    curve: dict[float, tuple[float, float]] = {}
    for t in sorted({*CURVE_THRESHOLDS, threshold}):
        tp = sum(1 for s, ok in scored if ok and s >= t)
        raised = sum(1 for s, _ in scored if s >= t)
        curve[t] = (tp / planted, tp / raised if raised else 1.0)
    best: tuple[float, float] | None = None
    tp = raised = 0
    for k, (s, ok) in enumerate(scored):
        tp += ok
        raised += 1
        last_of_score = k + 1 == len(scored) or scored[k + 1][0] < s
        if last_of_score and tp / raised >= TARGET_PRECISION:
            if best is None or tp / planted > best[0]:
                best = (tp / planted, s)
    return curve, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 entries, 2,000 applicants")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--list-size", type=int)
    parser.add_argument("--applicants", type=int)
    parser.add_argument("--planted", type=int)
    parser.add_argument("--brute-sample", type=int)
    args = parser.parse_args()
    list_size = args.list_size or (50_000 if args.quick else 1_000_000)
    n_applicants = args.applicants or (2_000 if args.quick else 10_000)
    n_planted = args.planted or (200 if args.quick else 1_000)
    brute_sample = args.brute_sample or (10 if args.quick else 5)

    rng = random.Random(args.seed)
    gen = NameGenerator(args.seed)
    t0 = time.perf_counter()
    planted_ids = set(rng.sample(range(list_size), n_planted))
    records: list[WatchlistRecord] = []
    sources: dict[int, Person] = {}
    truth = GroundTruth()
    for i in range(list_size):
        person = gen.person()
        records.append(entry_for(gen, person, rng, i))
        truth.add(person, records[-1].birth_date, records[-1].nationality)
        if i in planted_ids:
            sources[i] = person
    # (name, birth date, nationality, source entry id or None, transforms, name parts
    # given, all name parts of the person)
    Applicant = tuple[str, str, str, str | None, list[str], tuple[int, ...], tuple[int, ...]]
    applicants: list[Applicant] = []
    exact_namesakes = 0
    for i in sorted(planted_ids):
        name, birth, nat, transforms, kept = planted_variant(gen, sources[i], records[i], rng)
        full = truth.ident(sources[i].parts)
        exact_namesakes += truth.exact_namesakes(sources[i]) > 0
        applicants.append(
            (name, birth, nat, records[i].entry_id, transforms, truth.ident(kept), full)
        )
    while len(applicants) < n_applicants:
        person = gen.person()
        arabic = person.arabic_ok and rng.random() < 0.05
        name = gen.full_name(person, arabic=arabic, rng=rng)
        ident = truth.ident(person.parts)
        applicants.append((name, person.birth_date, person.nationality, None, [], ident, ident))
    rng.shuffle(applicants)
    generation_s = time.perf_counter() - t0
    print(
        f"generated {list_size:,} entries and {len(applicants):,} applicants in {generation_s:.1f} s"
    )

    rss_before = rss_mb()
    t0 = time.perf_counter()
    index = MatchIndex.build(records)
    build_s = time.perf_counter() - t0
    index_rss = rss_mb() - rss_before
    print(
        f"index: {len(index):,} records, {index.alias_count:,} names, {index.token_count:,} tokens, "
        f"{index.key_count:,} keys; built in {build_s:.1f} s; RSS +{index_rss:.0f} MB"
    )

    threshold = args.threshold
    tp = fp = 0
    fp_namesakes = 0
    applicants_with_fp = 0
    per_transform: dict[str, list[int]] = {}
    durations: list[float] = []
    cpu_durations: list[float] = []
    indistinguishable = 0
    missed: list[tuple[str, str, list[str], list[str]]] = []
    false_pos: list[tuple[str, str, float, dict]] = []
    ambiguous = found_unambiguous = fp_true_namesakes = 0
    by_birth: dict[str, list[int]] = {}
    for name, birth, nat, source, transforms, ident, full in applicants:
        c = time.process_time()
        t = time.perf_counter()
        hits = index.search(name, birth_date=birth, nationality=nat, threshold=threshold)
        durations.append(time.perf_counter() - t)
        cpu_durations.append(time.process_time() - c)
        found = False
        had_fp = False
        for hit in hits:
            if hit.entry_id == source:
                found = True
                tp += 1
            else:
                fp += 1
                had_fp = True
                if hit.name_score >= 99.9 and hit.birth_date_adjustment > 0:
                    fp_namesakes += 1
                fp_true_namesakes += truth.namesake(ident, birth, int(hit.entry_id[2:]))
                indistinguishable += truth.indistinguishable(
                    (ident, full), birth, nat, int(hit.entry_id[2:])
                )
                if len(false_pos) < 15:
                    false_pos.append((name, birth, hit.score, hit.explain()))
        applicants_with_fp += had_fp
        if source is not None:
            listed = records[int(source[2:])].birth_date
            kind = "none" if listed is None else "year" if len(listed) == 4 else "full"
            by_birth.setdefault(kind, [0, 0])
            by_birth[kind][0] += found
            by_birth[kind][1] += 1
            if truth.ambiguous(ident, birth, int(source[2:])):
                ambiguous += 1
            else:
                found_unambiguous += found
            for tr in transforms or ["none"]:
                per_transform.setdefault(tr, [0, 0])
                per_transform[tr][0] += found
                per_transform[tr][1] += 1
            if not found and len(missed) < 25:
                rec = records[int(source[2:])]
                missed.append((name, birth, transforms, rec.names))
    total_s = sum(durations)
    ms_per_applicant = 1000 * total_s / len(applicants)
    p95_ms = 1000 * statistics.quantiles(durations, n=20)[-1]
    cpu_ms_per_applicant = 1000 * sum(cpu_durations) / len(applicants)
    recall = tp / n_planted
    precision = tp / (tp + fp) if tp + fp else 1.0
    print(
        f"screened {len(applicants):,} applicants: {ms_per_applicant:.2f} ms each (p95 {p95_ms:.2f} ms), "
        f"CPU time of this process {cpu_ms_per_applicant:.2f} ms each"
    )
    print(
        f"recall {recall:.4f} ({tp}/{n_planted}), precision {precision:.4f} (false positives {fp}, "
        f"of which same name and birth year {fp_namesakes}; applicants with a false positive {applicants_with_fp})"
    )
    for tr, (ok, total) in sorted(per_transform.items()):
        print(f"  recall with {tr:<18} {ok / total:.3f} ({ok}/{total})")
    for kind, (ok, total) in sorted(by_birth.items()):
        print(f"  recall when the entry's birth date is {kind:<4} {ok / total:.3f} ({ok}/{total})")
    recall_unambiguous = found_unambiguous / max(1, n_planted - ambiguous)
    print(
        f"ground truth: {ambiguous} planted applicants are ambiguous (another entry has the same "
        f"name parts and a compatible birth date); recall on the other {n_planted - ambiguous}: "
        f"{recall_unambiguous:.4f}; false positives that are true namesakes: {fp_true_namesakes}"
    )
    print(
        f"planted people with an exact namesake in the list (all name parts, same birth year): "
        f"{exact_namesakes}; false positives indistinguishable from the applicant (same name "
        f"parts, same known birth date, no other nationality): {indistinguishable}; precision "
        f"without them {tp / max(1, tp + fp - indistinguishable):.4f}"
    )
    for name, birth, transforms, names in missed[:8]:
        print(f"  missed: {name!r} {birth} {transforms} <- {names}")
    for name, birth, score, explanation in false_pos[:4]:
        print(
            f"  false positive: {name!r} {birth} -> {explanation['matched_alias']!r} "
            f"score {score:.1f} name {explanation['name_score']} {explanation['birth_date']['reason']}"
        )

    curve, best_at_target = trade_off(index, applicants, threshold)
    for t, (r, p) in curve.items():
        print(f"  at threshold {t:g}: recall {r:.3f}, precision {p:.3f}")
    if best_at_target:
        print(
            f"best recall at precision >= {TARGET_PRECISION}: {best_at_target[0]:.4f} "
            f"(threshold {best_at_target[1]:.1f})"
        )

    # Brute force with the same name scorer, on a sample of applicants.
    t0 = time.perf_counter()
    choices = [index.prepare(rec.names[0]) for rec in records]
    plain = [" ".join(c.tokens) for c in choices]
    brute_prep_s = time.perf_counter() - t0
    name_floor = threshold - 10.0

    def scorer(query, choice, **_kwargs):
        return index.name_score(query, choice)

    sample = random.Random(args.seed + 1).sample(applicants, brute_sample)
    c0 = time.process_time()
    t0 = time.perf_counter()
    for name, *_ in sample:
        process.extract(
            index.prepare(name),
            choices,
            scorer=scorer,
            processor=None,
            limit=10,
            score_cutoff=name_floor,
        )
    brute_ms = 1000 * (time.perf_counter() - t0) / brute_sample
    brute_cpu_ms = 1000 * (time.process_time() - c0) / brute_sample
    t0 = time.perf_counter()
    for name, *_ in sample:
        query = " ".join(index.prepare(name).tokens)
        process.extract(
            query,
            plain,
            scorer=fuzz.token_set_ratio,
            processor=None,
            limit=10,
            score_cutoff=name_floor,
        )
    token_set_ms = 1000 * (time.perf_counter() - t0) / brute_sample
    print(
        f"brute force, same scorer: {brute_ms:.0f} ms per applicant (sample {brute_sample}, "
        f"prepared {len(choices):,} names in {brute_prep_s:.1f} s); "
        f"C-level fuzz.token_set_ratio: {token_set_ms:.0f} ms per applicant"
    )

    result = {
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "ms_per_applicant": round(ms_per_applicant, 3),
        "cpu_ms_per_applicant": round(cpu_ms_per_applicant, 3),
        "p95_ms": round(p95_ms, 3),
        "build_seconds": round(build_s, 1),
        "peak_rss_mb": round(peak_rss_mb()),
        "index_rss_mb": round(index_rss),
        "brute_force_ms_per_applicant": round(brute_ms, 1),
        "ratio": round(brute_ms / ms_per_applicant, 1),
        "brute_force_cpu_ms_per_applicant": round(brute_cpu_ms, 1),
        "ratio_cpu": round(brute_cpu_ms / cpu_ms_per_applicant, 1),
        "brute_force_token_set_ratio_ms_per_applicant": round(token_set_ms, 1),
        "ratio_vs_token_set_ratio": round(token_set_ms / ms_per_applicant, 1),
        "brute_force_sample": brute_sample,
        "list_size": list_size,
        "names_indexed": index.alias_count,
        "applicants": len(applicants),
        "planted": n_planted,
        "true_positives": tp,
        "false_positives": fp,
        "false_positives_same_name_and_year": fp_namesakes,
        "threshold": threshold,
        "seed": args.seed,
        "recall_by_transform": {
            tr: round(ok / total, 4) for tr, (ok, total) in sorted(per_transform.items())
        },
        "recall_by_entry_birth_date": {
            k: round(ok / total, 4) for k, (ok, total) in sorted(by_birth.items())
        },
        "curve": {
            f"{t:g}": {"recall": round(r, 4), "precision": round(p, 4)}
            for t, (r, p) in curve.items()
        },
        "recall_at_precision_0_90": round(best_at_target[0], 4) if best_at_target else None,
        "threshold_for_precision_0_90": round(best_at_target[1], 2) if best_at_target else None,
        "ambiguous_planted": ambiguous,
        "recall_unambiguous": round(recall_unambiguous, 4),
        "false_positives_true_namesakes": fp_true_namesakes,
        "precision_excluding_true_namesakes": round(tp / max(1, tp + fp - fp_true_namesakes), 4),
        "planted_with_exact_namesake": exact_namesakes,
        "false_positives_indistinguishable": indistinguishable,
        "precision_excluding_indistinguishable": round(tp / max(1, tp + fp - indistinguishable), 4),
    }
    print("RESULT " + json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
