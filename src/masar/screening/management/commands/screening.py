from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.core.context import Origin, origin_scope
from masar.core.dates import riyadh_today
from masar.core.errors import MasarError
from masar.screening import formats, services
from masar.screening.models import ImportFormat, Watchlist, WatchlistEntry
from masar.screening.services.findings import active_watchlists, watchlist_findings


class Command(BaseCommand):
    help = (
        "Screening: `masar screening load PATH --list NAME [--format masar|ftm]` loads a list "
        "file; `masar screening check --input people.csv --output hits.csv [--threshold T]` "
        "screens a file of people; `masar screening sweep` screens applications left waiting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="Load a list file (a whole snapshot: entries it lacks are removed from the "
            "list in a new version). The list is created if it does not exist.",
        )
        load.add_argument("path", help="The CSV file.")
        load.add_argument("--list", dest="list_name", required=True, help="The list's name.")
        load.add_argument(
            "--format",
            dest="fmt",
            choices=ImportFormat.values,
            default=ImportFormat.MASAR,
            help="masar (Masar's layout, docs/screening.md) or ftm (FollowTheMoney simple CSV).",
        )
        check = sub.add_parser(
            "check",
            help="Screen people (columns id,name,birth_date,nationality) against the active "
            "lists; write one row per hit (id,entry_id,list,score,matched_alias).",
        )
        check.add_argument("--input", required=True, help="The people, as CSV.")
        check.add_argument("--output", required=True, help="Where to write the hits ('-': stdout).")
        check.add_argument(
            "--threshold",
            type=float,
            help="Lowest score of a hit (50-100); by default each list's own threshold.",
        )
        sweep = sub.add_parser(
            "sweep", help="Screen every application still waiting in `screening` now."
        )
        sweep.add_argument("--limit", type=int, help="At most this many applications.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        with origin_scope(Origin(channel="cli", extra={"command": f"screening {action}"})):
            if action == "load":
                self._load(options)
            elif action == "check":
                self._check(options)
            else:
                counts = services.applications_screen_pending(limit=options.get("limit"))
                self.stdout.write(
                    f"screened: {counts['clear']} clear, {counts['referred']} referred "
                    f"({counts['skipped']} no longer waiting)"
                )

    def _load(self, options: dict[str, Any]) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        name = options["list_name"]
        watchlist = Watchlist.objects.filter(name=name).first()
        if watchlist is None:
            try:
                watchlist = services.watchlist_create(actor=None, name=name, title=name)
            except MasarError as exc:
                raise CommandError(f"cannot create the list {name!r}: {exc}", returncode=2) from exc
            self.stdout.write(f"created list {name}")
        with path.open("rb") as handle:
            job = services.watchlist_load(
                actor=None,
                watchlist=watchlist,
                stream=handle,
                fmt=options["fmt"],
                source_name=path.name,
            )
        for problem in job.problems:
            where = f"line {problem['row']}" if problem["row"] else "file"
            self.stderr.write(
                f"{path.name}: {where}: {problem['field']}: {problem['message']} "
                f"({problem['severity']})"
            )
        if job.status != "completed":
            raise CommandError(f"{path.name}: {job.error}", returncode=1)
        version = job.version.number if job.version is not None else watchlist.version
        self.stdout.write(
            f"{name}: version {version}; {job.added} added, {job.changed} changed, "
            f"{job.removed} removed, {job.unchanged} unchanged"
            + (f"; {job.skipped_rows} rows of other schemas skipped" if job.skipped_rows else "")
            + (f"; {job.warning_count} warnings" if job.warning_count else "")
        )

    def _check(self, options: dict[str, Any]) -> None:
        threshold = options.get("threshold")
        if threshold is not None and not 50 <= threshold <= 100:
            raise CommandError("--threshold must be between 50 and 100", returncode=2)
        source = Path(options["input"])
        if not source.is_file():
            raise CommandError(f"{source}: no such file", returncode=2)
        watchlists = active_watchlists()
        if not watchlists:
            raise CommandError("no active list is loaded: load one first", returncode=2)
        names = {w.pk: w.name for w in watchlists}
        today = riyadh_today()
        people = hits = skipped = 0
        external: dict[int, str] = {}
        output = options["output"]
        target: Any = (
            self.stdout if output == "-" else open(output, "w", newline="", encoding="utf-8")  # noqa: SIM115
        )
        try:
            writer = formats.hits_writer(target)
            with source.open("rb") as handle:
                text = formats.text_stream(handle)
                try:
                    for line, person, problems in formats.read_people(text):
                        if person is None:
                            skipped += 1
                            for problem in problems:
                                self.stderr.write(
                                    f"{source.name}: line {line}: {problem.field}: {problem.message}"
                                )
                            continue
                        people += 1
                        screen = watchlist_findings(
                            names=[person.name],
                            birth_date=person.birth_date,
                            nationality=person.nationality,
                            watchlists=watchlists,
                            today=today,
                            threshold=threshold,
                        )
                        for finding in sorted(screen.findings, key=lambda f: -f.score):
                            entry_id = finding.entry_id or 0
                            if entry_id not in external:
                                external[entry_id] = (
                                    WatchlistEntry.objects.filter(pk=entry_id)
                                    .values_list("external_id", flat=True)
                                    .first()
                                    or ""
                                )
                            writer.writerow(
                                [
                                    person.row_id,
                                    external[entry_id],
                                    names[finding.watchlist_id or 0],
                                    f"{finding.score:.2f}",
                                    finding.matched_alias,
                                ]
                            )
                            hits += 1
                except formats.WatchlistFileError as exc:
                    raise CommandError(f"{source.name}: {exc}", returncode=2) from None
                finally:
                    text.detach()
        finally:
            if target is not self.stdout:
                target.close()
        self.stderr.write(
            f"screened {people} people against {len(watchlists)} list(s): {hits} hits"
            + (f"; {skipped} rows skipped" if skipped else "")
        )
