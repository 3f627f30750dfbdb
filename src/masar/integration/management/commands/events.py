from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.integration.eventdoc import events_markdown

DEFAULT_OUTPUT = "docs/events.md"


class Command(BaseCommand):
    help = "The event catalogue: doc [--output FILE] [--check] writes docs/events.md from it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        doc = sub.add_parser("doc", help="Generate docs/events.md from the catalogue.")
        doc.add_argument("--output", default=DEFAULT_OUTPUT, help="Where to write it.")
        doc.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the file is not what the catalogue generates.",
        )
        doc.add_argument(
            "--print", action="store_true", dest="print_only", help="Print it instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = events_markdown()
        if options["print_only"]:
            self.stdout.write(text, ending="")
            return
        path = Path(options["output"])
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(
                    f"{path} is out of date with the event catalogue: run `masar events doc`.",
                    returncode=1,
                )
            self.stdout.write(f"{path} is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
