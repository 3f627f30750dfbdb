from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.core.context import Origin, origin_scope
from masar.training import services


class Command(BaseCommand):
    help = (
        "Training: `masar training remind [--days N ...]` mails holders of expiring certificates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser(
            "remind",
            help="Remind holders whose certificate expires within the thresholds (idempotent: "
            "one reminder per certificate per threshold). Run it daily.",
        )
        remind.add_argument(
            "--days",
            type=int,
            action="append",
            help="A threshold in days before expiry; repeat for several "
            f"(default: {', '.join(str(d) for d in services.DEFAULT_REMINDER_DAYS)}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options.get("days")
        if days and any(d < 0 for d in days):
            raise CommandError("--days must be zero or more", returncode=2)
        with origin_scope(Origin(channel="cli", extra={"command": "training remind"})):
            run = services.certificate_reminders_send(thresholds=days)
        self.stdout.write(f"reminders: {run.created} new, {run.sent} sent")
