"""`masar report weekly --season S --week W [--output FILE]`: generate a week's report now.
`masar report refresh [--season S] [--since D --until D]`: recompute the indicators."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.core.errors import MasarError
from masar.reporting.services import indicators_refresh, weekly_report_generate
from masar.seasons.models import Season


def _day(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--{name} must be YYYY-MM-DD: {exc}") from exc


def _season(code: str) -> Season:
    season = Season.objects.filter(code=code).first()
    if season is None:
        raise CommandError(f"no season with the code {code!r}")
    return season


class Command(BaseCommand):
    help = "Reporting: the weekly season report and the indicators' refresh."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        weekly = sub.add_parser("weekly", help="generate the bilingual PDF of a week")
        weekly.add_argument("--season", required=True, help="the season's code")
        weekly.add_argument("--week", required=True, type=int, help="week number (1 = first)")
        weekly.add_argument("--output", help="also write the PDF to this file")
        refresh = sub.add_parser("refresh", help="recompute the maintained indicators")
        refresh.add_argument("--season", help="the season's code (default: every season)")
        refresh.add_argument("--since", help="first day (YYYY-MM-DD); with --until")
        refresh.add_argument("--until", help="last day (YYYY-MM-DD); with --since")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "weekly":
            season = _season(options["season"])
            try:
                report = weekly_report_generate(season=season, week=options["week"])
            except MasarError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"week {report.week} of {season.code} ({report.starts_on} to {report.ends_on}): "
                f"{report.pdf.name}"
            )
            if options.get("output"):
                with report.pdf.open("rb") as pdf:
                    Path(options["output"]).write_bytes(pdf.read())
                self.stdout.write(f"written to {options['output']}")
            return
        since, until = _day(options.get("since"), "since"), _day(options.get("until"), "until")
        if (since is None) != (until is None):
            raise CommandError("give --since and --until together")
        seasons = (
            [_season(options["season"])]
            if options.get("season")
            else list(Season.objects.order_by("pk"))
        )
        for season in seasons:
            result = indicators_refresh(season=season, since=since, until=until)
            self.stdout.write(
                f"{season.code}: {result.count_rows} counts, {result.duration_rows} histogram rows"
            )
