"""Reads of the screening app, already scoped: screening data exists only for the interior
ministry's security analysts and supervisors (for anyone else every query is empty, and the
API answers 403 before it gets here)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from masar.accounts.access_matrix import Access, access
from masar.accounts.models import User
from masar.screening.access import is_screening_analyst
from masar.screening.models import (
    Review,
    ReviewStatus,
    ScreeningHit,
    Watchlist,
    WatchlistEntryChange,
    WatchlistImport,
    WatchlistVersion,
)


def watchlist_list(*, actor: User) -> QuerySet[Watchlist]:
    qs = Watchlist.objects.order_by("name")
    # The access matrix: the interior ministry's security analysts and supervisors only.
    return qs if access(actor, "screening_reviews") == Access.ALL else qs.none()


def watchlist_import_list(*, actor: User, watchlist: Watchlist) -> QuerySet[WatchlistImport]:
    qs = WatchlistImport.objects.filter(watchlist=watchlist).select_related(
        "watchlist", "version", "created_by"
    )
    # The access matrix: the interior ministry's security analysts and supervisors only.
    return qs if access(actor, "screening_reviews") == Access.ALL else qs.none()


def watchlist_version_list(*, actor: User, watchlist: Watchlist) -> QuerySet[WatchlistVersion]:
    qs = WatchlistVersion.objects.filter(watchlist=watchlist).order_by("-number")
    # The access matrix: the interior ministry's security analysts and supervisors only.
    return qs if access(actor, "screening_reviews") == Access.ALL else qs.none()


def watchlist_change_list(
    *, actor: User, version: WatchlistVersion
) -> QuerySet[WatchlistEntryChange]:
    qs = version.changes.select_related("entry").order_by("id")
    # The access matrix: the interior ministry's security analysts and supervisors only.
    return qs if access(actor, "screening_reviews") == Access.ALL else qs.none()


QUEUE_ORDERS = {
    "score": ("-best_score", "opened_at", "id"),
    "waiting": ("opened_at", "-best_score", "id"),
    "due": ("due_at", "-best_score", "id"),
}


def review_list(
    *, actor: User, status: str | None = ReviewStatus.PENDING, order: str = "score"
) -> QuerySet[Review]:
    """The review queue: pending reviews by best score, then by waiting time (the oldest
    first), unless another order is asked for."""
    qs = Review.objects.select_related(
        "application__pilgrim",
        "application__agent__organization",
        "application__company__organization",
        "decided_by",
    ).order_by(*QUEUE_ORDERS.get(order, QUEUE_ORDERS["score"]))
    if status:
        qs = qs.filter(status=status)
    # The access matrix: the interior ministry's security analysts and supervisors only.
    return qs if access(actor, "screening_reviews") == Access.ALL else qs.none()


def review_detail(*, actor: User) -> QuerySet[Review]:
    """Reviews with their screening's hits (raised first, best score first)."""
    hits = ScreeningHit.objects.select_related(
        "watchlist", "entry", "ban", "previous_review__application", "suppressed_by"
    ).order_by("suppressed_by_id", "-score", "id")
    return (
        review_list(actor=actor, status=None)
        .select_related("screening")
        .prefetch_related(Prefetch("screening__hits", queryset=hits, to_attr="ordered_hits"))
    )


def queue_counts(*, actor: User) -> dict[str, int]:
    if not is_screening_analyst(actor):
        return {"pending": 0, "overdue": 0}
    now = timezone.now()
    row = Review.objects.filter(status=ReviewStatus.PENDING).aggregate(
        pending=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))
    )
    return {"pending": row["pending"] or 0, "overdue": row["overdue"] or 0}
