"""Builders for the screening tests: list files in both layouts, and lists loaded through
the services."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from masar.screening.formats import FTM_COLUMNS, MASAR_COLUMNS
from masar.screening.models import Watchlist
from masar.screening.services import watchlist_create, watchlist_load


def masar_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    """A Masar watchlist file; list values are joined with `;`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MASAR_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                ";".join(v) if isinstance(v := row.get(column, ""), list) else v
                for column in MASAR_COLUMNS
            ]
        )
    return out.getvalue().encode()


def _concat(values: list[str]) -> str:
    """How the FollowTheMoney exporter writes several values in one cell."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="", quoting=csv.QUOTE_MINIMAL).writerow(
        sorted(values)
    )
    return out.getvalue()


def ftm_csv(rows: Iterable[dict[str, Any]], extra_columns: tuple[str, ...] = ()) -> bytes:
    """A FollowTheMoney "simple CSV" file (every cell quoted, as the exporter writes it)."""
    columns = [*FTM_COLUMNS, *extra_columns]
    out = io.StringIO()
    writer = csv.writer(out, dialect=csv.unix_dialect)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [_concat(v) if isinstance(v := row.get(column, ""), list) else v for column in columns]
        )
    return out.getvalue().encode()


def load(watchlist: Watchlist, content: bytes, fmt: str = "masar", actor: Any = None) -> Any:
    return watchlist_load(
        actor=actor,
        watchlist=watchlist,
        stream=io.BytesIO(content),
        fmt=fmt,
        source_name=f"list.{fmt}.csv",
    )


def make_watchlist(
    rows: Iterable[dict[str, Any]] = (),
    *,
    name: str = "moi-wanted",
    actor: Any = None,
    **settings: Any,
) -> Watchlist:
    watchlist = watchlist_create(actor=actor, name=name, title=name.upper(), **settings)
    rows = list(rows)
    if rows:
        job = load(watchlist, masar_csv(rows), actor=actor)
        assert job.status == "completed", (job.error, job.problems)
        watchlist.refresh_from_db()
    return watchlist
