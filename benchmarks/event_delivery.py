"""Event delivery: webhooks delivered per second, and the outbox's cost on a state change.

1. Outbox overhead. Rounds of company_suspend / company_reinstate cycles (each a real
   service call: lock, guard, save, audit entry, event), run alternately with the outbox
   (`event_emit`, which also relays the event after commit: sequence, audience, fan-out),
   with the outbox but the relay deferred (MASAR_OUTBOX_RELAY_ON_COMMIT off: the relay
   process does it later, timed apart), and without it (`event_emit` replaced by a no-op in
   this process only). `ratio` = baseline time / Masar time with the default (relay on
   commit); `ratio_relay_deferred` the same with the relay deferred (1.0: the outbox costs
   nothing; higher is better).
2. Delivery throughput. Events are emitted for one subscriber whose endpoint is a local
   receiver (a separate process on 127.0.0.1 answering 204); the worker (`db_worker`,
   in this process) drains the queue. Printed as events delivered per second.

    .venv/bin/python benchmarks/event_delivery.py [--quick]

Uses a temporary SQLite database unless DATABASE_URL is set (it is then migrated and
written to). The last line printed is `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = {"cycles": 400, "rounds": 5, "events": 5000}
QUICK = {"cycles": 60, "rounds": 3, "events": 400}

RECEIVER = r"""
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
count = 0
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("content-length") or 0))
        with lock:
            count += 1
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()
    def do_GET(self):
        body = str(count).encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def _setup_django(workdir: str) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "masar.settings.base"
    os.environ.setdefault("MASAR_VAR_DIR", workdir)
    os.environ.setdefault("MASAR_LOG_LEVEL", "WARNING")
    os.environ.setdefault("MASAR_DEBUG", "0")  # as in production: no query log
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    return connection.vendor


def _world():  # type: ignore[no-untyped-def]
    import datetime as dt
    from decimal import Decimal

    from masar.accounts.models import Organization, User
    from masar.accounts.services import organization_create, user_create
    from masar.operators.services import company_license

    suffix = str(int(time.time() * 1000))
    mohu = Organization.objects.filter(kind="mohu").first() or organization_create(
        actor=None, kind="mohu", code="mohu", name_en="MoHU", name_ar="الوزارة"
    )
    officer = User.objects.filter(username="bench.officer").first() or user_create(
        actor=None,
        organization=mohu,
        username="bench.officer",
        password=None,
        roles=["licensing_officer"],
    )
    company = company_license(
        actor=officer,
        code=f"bench-{suffix}",
        name_en="Bench Umrah",
        name_ar="شركة القياس",
        licence_number=f"UMR-B{suffix}",
        licence_valid_from=dt.date(2024, 1, 1),
        licence_valid_until=dt.date(2030, 12, 31),
        guarantee_amount=Decimal("2000000"),
        guarantee_valid_until=dt.date(2030, 12, 31),
    )
    system = user_create(
        actor=None,
        organization=company.organization,
        username=f"bench.system.{suffix}",
        password=None,
        roles=["integration"],
        is_service_account=True,
    )
    return officer, company, system


def _cycles(officer, company, n: int) -> float:  # type: ignore[no-untyped-def]
    from masar.operators import services

    started = time.perf_counter()
    for _ in range(n):
        services.company_suspend(actor=officer, company=company, reason="benchmark")
        services.company_reinstate(actor=officer, company=company, reason="benchmark")
    return time.perf_counter() - started


def measure_overhead(officer, company, cycles: int, rounds: int) -> dict:  # type: ignore[no-untyped-def]
    from django.test.utils import override_settings

    from masar.integration.services import outbox_relay
    from masar.operators import services

    real_emit = services.event_emit

    def no_outbox(**kwargs):  # type: ignore[no-untyped-def]
        return None

    _cycles(officer, company, 10)  # warm up
    with_outbox, deferred, without, relay_later = [], [], [], []
    for _ in range(rounds):
        with_outbox.append(_cycles(officer, company, cycles))
        with override_settings(MASAR_OUTBOX_RELAY_ON_COMMIT=False):
            deferred.append(_cycles(officer, company, cycles))
        started = time.perf_counter()
        outbox_relay()  # what the relay process then does for those events, in one go
        relay_later.append(time.perf_counter() - started)
        services.event_emit = no_outbox  # type: ignore[assignment]
        try:
            without.append(_cycles(officer, company, cycles))
        finally:
            services.event_emit = real_emit
    calls = 2 * cycles

    def per_call_ms(times: list[float]) -> float:
        return statistics.median(times) / calls * 1000

    masar_ms, deferred_ms, baseline_ms = (
        per_call_ms(with_outbox),
        per_call_ms(deferred),
        per_call_ms(without),
    )
    return {
        "state_change_ms_with_outbox": round(masar_ms, 3),
        "state_change_ms_relay_deferred": round(deferred_ms, 3),
        "state_change_ms_without_outbox": round(baseline_ms, 3),
        "outbox_overhead_ms": round(masar_ms - baseline_ms, 3),
        "deferred_relay_ms_per_event": round(per_call_ms(relay_later), 3),
        "ratio": round(baseline_ms / masar_ms, 3),
        "ratio_relay_deferred": round(baseline_ms / deferred_ms, 3),
    }


def measure_delivery(company, system, events: int) -> dict:  # type: ignore[no-untyped-def]
    from django.core.management import call_command
    from django.db import transaction

    from masar.integration.models import WebhookDelivery
    from masar.integration.services import event_emit, webhook_subscription_create

    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
    try:
        assert receiver.stdout is not None
        port = int(receiver.stdout.readline())
        url = f"http://127.0.0.1:{port}/hook"
        subscription, _ = webhook_subscription_create(
            actor=system, url=url, event_types=["company.reinstated"]
        )
        emit_started = time.perf_counter()
        for start in range(0, events, 100):
            with transaction.atomic():
                for n in range(start, min(start + 100, events)):
                    event_emit(
                        type="company.reinstated",
                        subject=("operators.company", f"bench-{n % 50}"),
                        payload={"company_id": company.pk, "reason": f"event {n}"},
                        organizations=[company.organization],
                    )
        emit_seconds = time.perf_counter() - emit_started
        queued = WebhookDelivery.objects.filter(subscription=subscription).count()
        started = time.perf_counter()
        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            "integration",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
            verbosity=0,
        )
        seconds = time.perf_counter() - started
        delivered = WebhookDelivery.objects.filter(
            subscription=subscription, status="delivered"
        ).count()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/count") as response:  # noqa: S310
            received = int(response.read())
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    return {
        "events": events,
        "deliveries_queued": queued,
        "delivered": delivered,
        "received": received,
        "emit_and_relay_per_second": round(events / emit_seconds, 1),
        "delivery_seconds": round(seconds, 3),
        "events_delivered_per_second": round(delivered / seconds, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    with tempfile.TemporaryDirectory(prefix="masar-bench-events-") as workdir:
        vendor = _setup_django(workdir)
        officer, company, system = _world()
        print(f"database: {vendor}; sizes: {size}")
        overhead = measure_overhead(officer, company, size["cycles"], size["rounds"])
        print(
            f"state change (suspend or reinstate): {overhead['state_change_ms_with_outbox']} ms "
            f"with the outbox relayed on commit, {overhead['state_change_ms_without_outbox']} ms "
            f"without it (+{overhead['outbox_overhead_ms']} ms; ratio {overhead['ratio']}); "
            f"{overhead['state_change_ms_relay_deferred']} ms with the relay deferred to "
            f"`masar integration relay` (ratio {overhead['ratio_relay_deferred']}; it then "
            f"spends {overhead['deferred_relay_ms_per_event']} ms an event)"
        )
        delivery = measure_delivery(company, system, size["events"])
        print(
            f"delivery: {delivery['delivered']}/{delivery['events']} events delivered in "
            f"{delivery['delivery_seconds']} s = {delivery['events_delivered_per_second']}/s "
            f"to a local receiver (it counted {delivery['received']})"
        )
        if delivery["delivered"] != size["events"] or delivery["received"] < size["events"]:
            print("not every event was delivered", file=sys.stderr)
            return 1
        result = {
            "benchmark": "event_delivery",
            "database": vendor,
            "quick": args.quick,
            **overhead,
            **delivery,
        }
        print("RESULT " + json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
