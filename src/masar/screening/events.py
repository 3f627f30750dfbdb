"""Event types of the screening app, registered in the integration catalogue.

Screening events name no company or agent: they reach the ministries only. They carry ids,
scores and counts, never the names or entries matched (those stay in the review queue).
"""

from __future__ import annotations

from masar.integration.catalogue import (
    CATALOGUE,
    DATETIME,
    INT,
    NULLABLE_STR,
    STR,
    EventType,
    _object,
    register,
)

NUMBER = {"type": "number"}
BOOL = {"type": "boolean"}

TYPES = [
    EventType(
        "screening.completed",
        1,
        "An application was screened against every active watchlist and Masar's own records "
        "(bans, previous security refusals). `outcome` is `clear` or `referred`.",
        _object(
            {
                "screening_id": INT,
                "application_id": INT,
                "season_id": INT,
                "outcome": STR,
                "hit_count": INT,
                "suppressed_count": INT,
                "list_versions": {"type": "object"},
                "duration_ms": INT,
                "automatic_decision": BOOL,
            }
        ),
        ministries=("mohu", "mofa", "moi"),
        examples=[
            {
                "screening_id": 41,
                "application_id": 1207,
                "season_id": 2,
                "outcome": "clear",
                "hit_count": 0,
                "suppressed_count": 0,
                "list_versions": {"3": 12},
                "duration_ms": 4,
                "automatic_decision": True,
            }
        ],
    ),
    EventType(
        "screening.referred",
        1,
        "Screening found possible matches: the application waits in the interior ministry's "
        "review queue until `due_at` (the list's service level).",
        _object(
            {
                "review_id": INT,
                "screening_id": INT,
                "application_id": INT,
                "best_score": NUMBER,
                "hit_count": INT,
                "due_at": DATETIME,
            }
        ),
        ministries=("moi",),
    ),
    EventType(
        "screening.decided",
        1,
        "A security analyst decided a referral: `false_positive` (the application goes on to "
        "the consular decision) or `true_match` (it is rejected with `reason_code`).",
        _object(
            {
                "review_id": INT,
                "application_id": INT,
                "decision": STR,
                "reason_code": NULLABLE_STR,
                "waited_seconds": INT,
                "within_sla": BOOL,
            }
        ),
        ministries=("moi", "mofa"),
    ),
    EventType(
        "watchlist.created",
        1,
        "A watchlist was created, with its threshold and service level.",
        _object(
            {
                "watchlist_id": INT,
                "name": STR,
                "threshold": NUMBER,
                "review_sla_hours": INT,
                "is_active": BOOL,
            }
        ),
        ministries=("moi",),
    ),
    EventType(
        "watchlist.updated",
        1,
        "A watchlist's settings changed (threshold, service level, active, title).",
        _object(
            {
                "watchlist_id": INT,
                "name": STR,
                "threshold": NUMBER,
                "review_sla_hours": INT,
                "is_active": BOOL,
                "changes": {"type": "object"},
            }
        ),
        ministries=("moi",),
    ),
    EventType(
        "watchlist.versioned",
        1,
        "An import changed a watchlist: a new version with the entries added, changed and removed.",
        _object(
            {
                "watchlist_id": INT,
                "name": STR,
                "version": INT,
                "added": INT,
                "changed": INT,
                "removed": INT,
                "total": INT,
                "import_id": {"type": ["integer", "null"]},
            }
        ),
        ministries=("moi",),
    ),
    EventType(
        "ban.created",
        1,
        "A person was barred from visas (by passport, or by name and birth date).",
        _object(
            {
                "ban_id": INT,
                "source": STR,
                "until": {"type": ["string", "null"], "format": "date"},
            }
        ),
        ministries=("moi", "mohu"),
    ),
    EventType(
        "ban.lifted",
        1,
        "A ban was lifted before its end.",
        _object({"ban_id": INT, "reason": STR}),
        ministries=("moi", "mohu"),
    ),
]


def _register_all() -> None:
    for event_type in TYPES:
        if event_type.name not in CATALOGUE:
            register(event_type)


_register_all()
