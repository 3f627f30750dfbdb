"""`masar ports load`: create or update the reference ports, terminals and lanes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masar.border.services import ports_load


class Command(BaseCommand):
    help = "Ports of entry: load the reference list (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="create or update the reference ports")

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = ports_load()
        self.stdout.write(f"ports: {created} created, {updated} updated")
