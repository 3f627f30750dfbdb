"""`masar openapi --write | --check`: the committed OpenAPI document and its change policy."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masar.core.api.contract import (
    repository_root,
    schema_dumps,
    schema_generate,
    unrecorded_breaking_changes,
)


class Command(BaseCommand):
    help = (
        "Write docs/openapi.json (refusing unrecorded breaking changes), or check that it is "
        "current and that nothing breaks the copy at --base-ref without a deprecation window."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--write", action="store_true")
        action.add_argument("--check", action="store_true")
        parser.add_argument("--file", default="docs/openapi.json")
        parser.add_argument("--changelog", default="docs/api-changelog.md")
        parser.add_argument(
            "--base-ref",
            default="",
            help="a git revision whose copy of the document the new one may not break",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = repository_root()
        target = root / options["file"]
        changelog = (root / options["changelog"]).read_text(encoding="utf-8")
        generated = schema_generate()
        committed = json.loads(target.read_text(encoding="utf-8")) if target.exists() else None
        base = committed
        if options["base_ref"]:
            base = self._at_revision(root, options["base_ref"], options["file"])
        problems = []
        if base is not None:
            problems = unrecorded_breaking_changes(
                base, generated, changelog=changelog, today=timezone.localdate()
            )
        if problems:
            raise CommandError(
                "Breaking changes of the API without a deprecation window:\n  "
                + "\n  ".join(problems)
            )
        if options["write"]:
            target.write_text(schema_dumps(generated), encoding="utf-8")
            self.stdout.write(f"wrote {target.relative_to(root)}")
            return
        if committed != generated:
            raise CommandError(
                f"{options['file']} is out of date: run `make openapi` and commit it."
            )
        self.stdout.write(f"{options['file']} is current")

    def _at_revision(self, root: Path, revision: str, file: str) -> dict[str, Any] | None:
        shown = subprocess.run(  # noqa: S603 - fixed program, arguments from the operator
            ["git", "show", f"{revision}:{file}"],  # noqa: S607
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        return json.loads(shown.stdout) if shown.returncode == 0 else None
