"""`masar manifests resume` queues again the imports whose worker stopped; `masar
manifests status` lists the unfinished ones. Run `resume` from cron (every few minutes)
or by hand after a worker crash; each job goes on from its checkpoint."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.applications.models import ManifestJob, ManifestStatus
from masar.applications.services.manifests import STALE_AFTER, manifest_jobs_resume
from masar.core.context import Origin, origin_scope
from masar.core.errors import MasarError


class Command(BaseCommand):
    help = "Manifest imports: resume stopped ones, list unfinished ones."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        resume = sub.add_parser("resume", help="Queue again the imports whose worker stopped.")
        resume.add_argument("--job", type=int, help="Only this job.")
        resume.add_argument(
            "--stale-minutes",
            type=float,
            default=STALE_AFTER.total_seconds() / 60,
            help="A running job without a heartbeat for this long is stale (default %(default)s).",
        )
        resume.add_argument(
            "--force", action="store_true", help="With --job: queue it again even if not stale."
        )
        sub.add_parser("status", help="List unfinished imports.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            jobs = ManifestJob.objects.exclude(
                status__in=[ManifestStatus.COMPLETED, ManifestStatus.FAILED]
            ).order_by("pk")
            for job in jobs:
                self.stdout.write(
                    f"{job.pk}\t{job.status}\t{job.phase}\t{job.checkpoint_row}/"
                    f"{job.total_rows or '?'}\theartbeat {job.heartbeat_at or '-'}"
                )
            if not jobs:
                self.stdout.write("no unfinished import")
            return
        if options["force"] and not options["job"]:
            raise CommandError("--force needs --job")
        with origin_scope(Origin(channel="cli")):
            try:
                ids = manifest_jobs_resume(
                    job_id=options["job"],
                    stale_after=timedelta(minutes=options["stale_minutes"]),
                    force=options["force"],
                )
            except MasarError as exc:
                raise CommandError(str(exc.message)) from exc
        if ids:
            self.stdout.write("queued again: " + ", ".join(map(str, ids)))
        else:
            self.stdout.write("no stale import to resume")
