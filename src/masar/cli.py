"""The `masar` command: Django's management commands with Masar's settings.

`masar migrate`, `masar runserver`, `masar demo-seed`, `masar worker`, `masar token create`,
`masar audit verify`, `masar mrz check`, `masar visa verify|keys` ... Dashes in a command
name are accepted for underscores. `masar mrz` and `masar visa` are pure Python and run
without a database (offline verification needs only the published certificates).
"""

from __future__ import annotations

import os
import sys

ALIASES: dict[str, str] = {}
# Arguments a command gets unless the caller gives them: a bare `masar worker` (core's
# graceful worker over django-tasks-db's queue) serves every queue (default, integration,
# imports, ...).
ALIAS_DEFAULTS = {"worker": ["--queue-name", "*"]}


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
        args[0] = ALIASES.get(args[0], args[0].replace("-", "_"))
        defaults = ALIAS_DEFAULTS.get(args[0], [])
        if defaults and defaults[0] not in args:
            args[1:1] = defaults
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masar", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
