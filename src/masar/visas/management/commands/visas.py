"""`masar visas lapse [--as-of DATE]`: lapse the visas not used within their validity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.visas.services import visas_lapse


class Command(BaseCommand):
    help = "E-visa maintenance: lapse unused visas."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lapse = sub.add_parser("lapse", help="lapse valid visas whose validity ended unused")
        lapse.add_argument("--as-of", dest="as_of", help="the day to judge by (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of must be YYYY-MM-DD: {exc}") from exc
        lapsed = visas_lapse(as_of=as_of)
        self.stdout.write(f"lapsed {len(lapsed)} visa(s)")
        for number in lapsed:
            self.stdout.write(number)
