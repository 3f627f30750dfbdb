"""`masar whereabouts sweep [--as-of ISO]`: compare every pilgrim in the kingdom with the
plan (set-based, idempotent)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masar.whereabouts.services import whereabouts_sweep


def _moment(text: str) -> dt.datetime:
    """An ISO date or date and time; a naive one is read in kingdom-local time."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of must be an ISO date or date and time: {exc}") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Whereabouts of the pilgrims in the kingdom: raise, close and escalate alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="compare every pilgrim in the kingdom with the plan")
        sweep.add_argument(
            "--as-of", dest="as_of", help="the moment to judge by (ISO, kingdom time if naive)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = _moment(options["as_of"]) if options.get("as_of") else None
        result = whereabouts_sweep(now=now)
        self.stdout.write(json.dumps(result.as_dict(), sort_keys=True))
