from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from masar.core.health import readiness_check


class Command(BaseCommand):
    help = (
        "The readiness checks of /readyz (database, migrations, cache, signing keys, task "
        "queue) as JSON; exit status 1 when one fails."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        readiness = readiness_check()
        self.stdout.write(json.dumps(readiness.as_dict(), indent=2))
        if not readiness.ok:
            failed = [c.name for c in readiness.checks if not c.ok]
            raise CommandError(f"not ready: {', '.join(failed)}", returncode=1)
