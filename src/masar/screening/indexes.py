"""The matching index of each watchlist version, built once per process and reused.

A worker (or web) process keeps one `MatchIndex` per list, keyed by (list id, version):
screening an applicant then compares them with the few hundred candidates the index's
blocking admits, not with the whole list. When an import moves the list to a new version,
the next search sees the new version number and rebuilds.

An entry is indexed as one record per (birth date, nationality) it has (at most
`MAX_RECORDS_PER_ENTRY`), so that an entry listed with "1965;1966" scores the applicant's
year as the same year; hits are folded back to one per entry. Entries outside their
validity window (`valid_from`/`valid_until`, in the kingdom's calendar day) are dropped at
search time, since validity changes with the date, not with the version.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from masar.screening.matching import Hit, MatchIndex, WatchlistRecord
from masar.screening.models import Watchlist, WatchlistEntry

MAX_RECORDS_PER_ENTRY = 6


@dataclass(frozen=True, slots=True)
class EntryInfo:
    pk: int
    external_id: str
    revision: int
    valid_from: dt.date | None
    valid_until: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class LoadedIndex:
    watchlist_id: int
    version: int
    index: MatchIndex
    entries: dict[str, EntryInfo]


@dataclass(frozen=True)
class ListHit:
    """A hit of one list, with the entry it names and the applicant name that met it."""

    watchlist_id: int
    list_version: int
    entry: EntryInfo
    hit: Hit
    query_name: str

    @property
    def score(self) -> float:
        return self.hit.score


_CACHE: dict[int, LoadedIndex] = {}
_LOCK = threading.Lock()


def _records(watchlist_id: int, infos: dict[str, EntryInfo]) -> Iterator[WatchlistRecord]:
    rows = (
        WatchlistEntry.objects.filter(watchlist_id=watchlist_id, removed_in__isnull=True)
        .order_by("pk")
        .values_list(
            "pk",
            "external_id",
            "names",
            "birth_dates",
            "nationalities",
            "revision",
            "valid_from",
            "valid_until",
        )
    )
    for pk, external_id, names, births, nats, revision, valid_from, valid_until in rows.iterator(
        chunk_size=2000
    ):
        key = str(pk)
        infos[key] = EntryInfo(pk, external_id, revision, valid_from, valid_until)
        combos = list(itertools.product(births or [None], nats or [None]))
        if len(combos) > MAX_RECORDS_PER_ENTRY:
            combos = [(b, None) for b in (births or [None])[:MAX_RECORDS_PER_ENTRY]]
        for birth, nationality in combos:
            yield WatchlistRecord(key, list(names), birth, nationality)


def watchlist_index(watchlist: Watchlist) -> LoadedIndex:
    """The index of the list's current version, built on first use in this process."""
    cached = _CACHE.get(watchlist.pk)
    if cached is not None and cached.version == watchlist.version:
        return cached
    with _LOCK:
        cached = _CACHE.get(watchlist.pk)
        if cached is not None and cached.version == watchlist.version:
            return cached
        infos: dict[str, EntryInfo] = {}
        index = MatchIndex.build(_records(watchlist.pk, infos))
        loaded = LoadedIndex(watchlist.pk, watchlist.version, index, infos)
        _CACHE[watchlist.pk] = loaded
        return loaded


def index_cache_clear() -> None:
    """Forget every index of this process (tests, and after a database reset)."""
    with _LOCK:
        _CACHE.clear()


def cached_versions() -> dict[int, int]:
    return {pk: loaded.version for pk, loaded in _CACHE.items()}


def search_list(
    loaded: LoadedIndex,
    *,
    names: Sequence[str],
    birth_date: dt.date | str | None,
    nationality: str | None,
    threshold: float,
    today: dt.date,
    limit: int = 10,
) -> list[ListHit]:
    """Hits of one list for a person known under one or more names, best per entry first."""
    best: dict[str, ListHit] = {}
    for name in names:
        if not name.strip():
            continue
        # Records of one entry may each come back: ask for more, then fold them.
        for hit in loaded.index.search(
            name,
            birth_date=birth_date,
            nationality=nationality,
            threshold=threshold,
            limit=limit * MAX_RECORDS_PER_ENTRY,
        ):
            info = loaded.entries.get(hit.entry_id)
            if info is None or not info.valid_on(today):
                continue
            previous = best.get(hit.entry_id)
            if previous is None or hit.score > previous.hit.score:
                best[hit.entry_id] = ListHit(loaded.watchlist_id, loaded.version, info, hit, name)
    ranked = sorted(best.values(), key=lambda h: (-h.hit.score, h.entry.external_id))
    return ranked[:limit]
