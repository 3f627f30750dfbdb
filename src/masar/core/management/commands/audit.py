from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.core.audit import audit_verify
from masar.core.audit_checkpoints import checkpoint_write


class Command(BaseCommand):
    help = (
        "The audit trail: `masar audit verify` checks the hash chain and its signed "
        "checkpoints (exit 1 on a break), then checkpoints the intact head."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute the chain and report every break.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if report.ok:
            checkpoint_write(count=report.checked, digest=report.head_hash)
            self.stdout.write(
                f"audit chain intact: {report.checked} entries verified, "
                f"{report.checkpoints} signed checkpoint(s) matched"
            )
            return
        for brk in report.breaks:
            where = f"entry {brk.entry_id}" if brk.entry_id is not None else "chain head"
            self.stderr.write(f"BREAK at {where}: {brk.reason}")
        raise CommandError(
            f"audit chain broken: {len(report.breaks)} problem(s) in {report.checked} entries",
            returncode=1,
        )
