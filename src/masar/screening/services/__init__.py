"""Writes of the screening app. Every one runs in a transaction, is audited and emits its
event; application state changes go through `applications.services.application_transition`."""

from masar.screening.services.bans import ban_create, ban_lift
from masar.screening.services.imports import (
    watchlist_import_create,
    watchlist_import_run,
    watchlist_load,
)
from masar.screening.services.reviews import review_decide
from masar.screening.services.screening import (
    application_screen,
    applications_screen_pending,
    applications_screening_resume,
    person_match,
)
from masar.screening.services.watchlists import watchlist_create, watchlist_update

__all__ = [
    "application_screen",
    "applications_screen_pending",
    "applications_screening_resume",
    "ban_create",
    "ban_lift",
    "person_match",
    "review_decide",
    "watchlist_create",
    "watchlist_import_create",
    "watchlist_import_run",
    "watchlist_load",
    "watchlist_update",
]
