from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connections
from django.utils import timezone

from masar.core.models import ScheduledJobRun
from masar.core.schedule import SCHEDULE, job_period, schedule_tick
from masar.core.taskqueue import DATABASE_GONE

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (cron: every minute) or list them (--list)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="Loop, every N seconds.")
        parser.add_argument("--list", action="store_true", help="Show the jobs and last runs.")
        parser.add_argument("--only", default="", help="Comma-separated job names to run.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            runs = {r.name: r for r in ScheduledJobRun.objects.all()}
            for job in SCHEDULE.values():
                run = runs.get(job.name)
                last = run.last_started_at.isoformat() if run and run.last_started_at else "never"
                status = run.last_status if run else ""
                self.stdout.write(f"{job.name}\tevery {job_period(job)}\tlast {last} {status}")
            return
        only = {n.strip() for n in options["only"].split(",") if n.strip()} or None
        if only and (unknown := only - set(SCHEDULE)):
            raise CommandError(f"unknown job(s): {', '.join(sorted(unknown))}")
        while True:
            try:
                results = schedule_tick(only=only)
            except DATABASE_GONE as exc:
                # A database restart or failover: a looping tick waits for it and goes on
                # (each job's claim is its own transaction, so nothing ran half-way).
                if options["every"] <= 0:
                    raise
                logger.warning(
                    "Database unreachable (%s): next tick in %s s", exc, options["every"]
                )
                connections.close_all()
                time.sleep(options["every"])
                continue
            stamp = timezone.now().isoformat(timespec="seconds")
            self.stdout.write(json.dumps({"at": stamp, "ran": results}, default=str))
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
            close_old_connections()
