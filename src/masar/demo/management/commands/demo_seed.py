from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from masar.core.context import Origin, origin_scope
from masar.demo.seed import DEFAULT_PASSWORD, demo_is_seeded, demo_seed


class Command(BaseCommand):
    help = "Load the demonstration season (refused with production settings)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the demo is already loaded."
        )
        parser.add_argument("--seed", type=int, default=1447, help="Random seed (reproducible).")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MASAR_ENV == "production":
            raise CommandError("demo-seed refuses to run with production settings", returncode=2)
        if demo_is_seeded():
            if options["if_empty"]:
                self.stdout.write("demo already loaded; nothing to do")
                self._print_logins()
                return
            raise CommandError("the demo is already loaded (use --if-empty to skip)", returncode=1)
        with origin_scope(Origin(channel="cli", extra={"command": "demo-seed"})):
            # The summary lines are printed by demo_seed as each step ends.
            demo_seed(seed=options["seed"], stdout=self.stdout)
        self._print_logins()

    def _print_logins(self) -> None:
        from masar.demo.seed import DEMO_USERS

        password = os.environ.get("MASAR_DEMO_PASSWORD", DEFAULT_PASSWORD)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {password}):")
        for username, _org, roles, name_en, _name_ar in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {name_en} ({', '.join(roles)})")
        # Apps' demo steps name their own logins (`DEMO_LOGINS`: username, label, roles).
        import importlib
        import importlib.util

        from masar.demo.seed import DEMO_STEP_MODULES

        for module_name in DEMO_STEP_MODULES:
            if importlib.util.find_spec(module_name) is None:
                continue
            for username, label, roles in getattr(
                importlib.import_module(module_name), "DEMO_LOGINS", ()
            ):
                self.stdout.write(f"  {username:<18} {label} ({', '.join(roles)})")
        self.stdout.write("  company1.staff … company20.staff   Umrah company staff")
        self.stdout.write("  agent1.staff … agent60.staff       overseas agent staff")
        self.stdout.write(
            "Second factor: optional in the demo. To try it, `masar second-factor issue-code "
            "USER` prints a one-time enrolment code for /otp/."
        )
