"""Row locks of the screening app (`select_for_update`), in one place."""

from __future__ import annotations

from masar.screening.models import Ban, Review, Watchlist, WatchlistImport


def watchlist_lock(watchlist_id: int) -> Watchlist:
    return Watchlist.objects.select_for_update(of=("self",)).get(pk=watchlist_id)


def watchlist_import_lock(import_id: int) -> WatchlistImport:
    return (
        WatchlistImport.objects.select_for_update(of=("self",))
        .select_related("watchlist")
        .get(pk=import_id)
    )


def review_lock(review_id: int) -> Review:
    return Review.objects.select_for_update(of=("self",)).get(pk=review_id)


def ban_lock(ban_id: int) -> Ban:
    return Ban.objects.select_for_update(of=("self",)).get(pk=ban_id)
