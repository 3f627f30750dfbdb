"""Render the access matrix into docs/security-matrix.md (between its markers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.accounts.access_matrix import matrix_markdown

BEGIN, END = "<!-- matrix:begin -->\n", "<!-- matrix:end -->\n"


class Command(BaseCommand):
    help = "Write the role x resource table of docs/security-matrix.md from the access matrix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--doc", default="docs/security-matrix.md")
        parser.add_argument("--check", action="store_true", help="Fail if the doc is stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["doc"])
        text = path.read_text(encoding="utf-8")
        if BEGIN not in text or END not in text:
            raise CommandError(f"{path} has no {BEGIN.strip()} ... {END.strip()} markers")
        head, rest = text.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        updated = head + BEGIN + matrix_markdown() + END + tail
        if options["check"]:
            if updated != text:
                raise CommandError(f"{path} is stale: run `masar access_matrix`")
            return
        path.write_text(updated, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
