"""`masar overstay sweep [--as-of DATE]`: detect overstayers (set-based, idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.border.services import overstay_sweep


class Command(BaseCommand):
    help = "Overstay detection: find everyone whose permitted departure has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="detect overstayers as of a kingdom-local day")
        sweep.add_argument("--as-of", dest="as_of", help="the day to judge by (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of must be YYYY-MM-DD: {exc}") from exc
        result = overstay_sweep(as_of=as_of)
        self.stdout.write(f"as of {result.as_of.isoformat()}: {result.detected} new overstay(s)")
