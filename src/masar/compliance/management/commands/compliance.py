from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.core.context import Origin, origin_scope
from masar.seasons.models import Season


class Command(BaseCommand):
    help = (
        "Compliance: `masar compliance sweep` raises due violations, escalates and draws "
        "unpaid fines; `masar compliance import-satisfaction FILE.csv` imports survey scores; "
        "`masar compliance rate --season CODE --year Y --quarter Q` computes the ratings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help="Run the compliance sweep once (idempotent).")
        imp = sub.add_parser(
            "import-satisfaction",
            help="Import satisfaction scores from CSV: licence_number, year, quarter, "
            "score_pct[, responses]. All rows or none.",
        )
        imp.add_argument("file", type=Path)
        rate = sub.add_parser("rate", help="Compute the quarter's ratings (idempotent).")
        rate.add_argument("--season", required=True, help="Season code")
        rate.add_argument("--year", type=int, required=True)
        rate.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        with origin_scope(Origin(channel="cli", extra={"command": f"compliance {action}"})):
            if action == "sweep":
                from masar.compliance.services.sweep import compliance_sweep

                self.stdout.write(json.dumps(compliance_sweep().as_dict(), sort_keys=True))
            elif action == "import-satisfaction":
                from masar.compliance.services import satisfaction_import

                path: Path = options["file"]
                if not path.is_file():
                    raise CommandError(f"no such file: {path}", returncode=2)
                result = satisfaction_import(actor=None, content=path.read_text("utf-8-sig"))
                if result.errors:
                    for error in result.errors:
                        self.stderr.write(f"line {error['line']}: {'; '.join(error['problems'])}")
                    raise CommandError("nothing imported", returncode=1)
                self.stdout.write(f"imported: {result.imported}")
            else:
                from masar.compliance.services import ratings_compute

                season = Season.objects.filter(code=options["season"]).first()
                if season is None:
                    raise CommandError(f"no such season: {options['season']}", returncode=2)
                run = ratings_compute(
                    actor=None, season=season, year=options["year"], quarter=options["quarter"]
                )
                for r in run.ratings:
                    self.stdout.write(
                        f"{r.company.organization.code}\t{r.rating_pct}\t"
                        f"{r.class_before}->{r.class_after}"
                    )
                self.stdout.write(f"rated: {len(run.ratings)}")
