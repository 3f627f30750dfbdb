"""The `masar` command: Django's management commands with Masar's settings.

`masar migrate`, `masar runserver`, `masar demo-seed`, `masar worker`, `masar token create`,
`masar audit verify`, `masar mrz check`, `masar visa verify|keys` ... Dashes in a command
name are accepted for underscores. `masar mrz` and `masar visa` are pure Python and run
without a database (offline verification needs only the published certificates).
"""

from __future__ import annotations

import os
import sys
from typing import Any

# Arguments a command gets unless the caller gives them: a bare `masar worker` (core's
# graceful worker over django-tasks-db's queue) serves every queue (default, integration,
# imports, ...).
ALIAS_DEFAULTS = {"worker": ["--queue-name", "*"]}
# Commands of Masar's own that Django's list does not show: the two pure Python tools
# dispatched before Django starts.
OWN_COMMANDS = {
    "mrz": "check an ICAO 9303 machine readable zone, no database (masar mrz check --help)",
    "visa": "verify an e-visa seal offline, manage signing keys (masar visa --help)",
}


def command_name(name: str) -> str:
    """The Django command behind a name as typed: `demo-seed` and `demo_seed` alike."""
    return name.replace("-", "_")


def _utility(argv: list[str]) -> Any:
    from django.core.management import ManagementUtility

    class Utility(ManagementUtility):
        """Django's, but a command keeps the name it was typed with in its usage line
        (`usage: masar demo-seed`), and the list of commands shows Masar's own."""

        def fetch_command(self, subcommand: str) -> Any:
            return super().fetch_command(command_name(subcommand))

        def main_help_text(self, commands_only: bool = False) -> str:
            text = super().main_help_text(commands_only=commands_only)
            if commands_only:
                return "\n".join([text, *OWN_COMMANDS])
            own = [f"    {name:<10} {what}" for name, what in OWN_COMMANDS.items()]
            return "\n".join([text, "", "[masar]", *own])

    return Utility(argv)


def settings_module() -> str:
    env = os.environ.get("MASAR_ENV", "development").lower()
    return "masar.settings.production" if env == "production" else "masar.settings.base"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "mrz":
        from masar.documents.cli import main as mrz_main

        return mrz_main(args[1:])
    if args and args[0] == "visa":
        from masar.visas.cli import main as visa_main

        return visa_main(args[1:])
    if args and not args[0].startswith("-"):
        defaults = ALIAS_DEFAULTS.get(command_name(args[0]), [])
        if defaults and defaults[0] not in args and not {"-h", "--help"} & set(args):
            args[1:1] = defaults
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module()
    _utility(["masar", *args]).execute()
    return 0


if __name__ == "__main__":
    sys.exit(main())
