from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from masar.core.context import Origin, origin_scope
from masar.integration.services import integration_tick, outbox_relay


class Command(BaseCommand):
    help = (
        "Integration upkeep: tick [--every SECONDS] relays unsequenced events, re-queues "
        "webhook deliveries whose worker died, expires rotated secrets and prunes old rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tick = sub.add_parser("tick", help="Run the scheduled work once (cron: every minute).")
        tick.add_argument(
            "--every",
            type=float,
            default=0,
            help="Run forever, once every this many seconds (a service instead of cron).",
        )
        relay = sub.add_parser(
            "relay",
            help="Sequence and fan out committed events (with MASAR_OUTBOX_RELAY_ON_COMMIT off).",
        )
        relay.add_argument("--every", type=float, default=0, help="Run forever, this often.")

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        action = options["action"]
        while True:
            with origin_scope(Origin(channel="cli", extra={"command": f"integration {action}"})):
                if action == "tick":
                    report = integration_tick().as_dict()
                else:
                    report = {"relayed": outbox_relay()}
            if action == "tick" or report["relayed"] or not every:
                self.stdout.write(json.dumps(report, sort_keys=True))
            if every <= 0:
                return
            time.sleep(every)
            # A long-running loop drops connections the database closed meanwhile.
            close_old_connections()
