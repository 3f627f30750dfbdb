from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masar.core.catalogues import (
    LANGUAGES,
    catalogues,
    catalogues_compile,
    catalogues_extract,
    po_entries,
)


class Command(BaseCommand):
    help = (
        "Regenerate every translation catalogue (the project's and each app's) from the "
        "strings the code marks, then compile them; lists what still needs translating."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--compile-only", action="store_true", help="compile the .po files, extract nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["compile_only"]:
            catalogues_extract()
        catalogues_compile()
        for catalogue in catalogues():
            for language in LANGUAGES:
                po = catalogue.po(language)
                todo = [e for e in po_entries(po) if e.fuzzy or not e.translated]
                status = f"{len(todo)} to translate" if todo else "complete"
                self.stdout.write(f"{po}: {status}")
