"""Crossings ingested per second through the batch API, over real HTTP on loopback, against
inserting the same rows directly.

Prepares N issued visas (PostgreSQL), a gate's service account and its bearer token, and
starts gunicorn with `--servers` pre-forked workers (default 2; what production runs,
docs/operations.md; where gunicorn is missing, as many `masar runserver --noreload`
processes, each on its own port; ADR 0077) on 127.0.0.1. `--threads` client threads (default 4, spread
over the servers) then POST `/api/v1/crossings/` in batches of `--batch` events: an entry for
every visa, then an exit for every visa (2N crossings). Each batch is one transaction:
crossings, stays, `enter`/`depart` transitions set-based, events, audit entry, and the
outbox relay after commit. Measured three ways in the same run: the servers with the relay
after each commit (the default, `ratio`), the servers with the relay deferred to its own
process, and one server process with the relay after each commit (the configuration of ADR
0075). The baseline inserts the same 2N crossing rows directly (`bulk_create`, no checks,
no stays, no events). Ratio = baseline time / API time. The target: at least 2,000
crossings per second.

    .venv/bin/python benchmarks/crossings_ingest.py [--quick] [--count N] [--batch B]
        [--servers S] [--threads T]

Full size: 10,000 visas (20,000 crossings); `--quick`: 500 (1,000 crossings). Database
masar_borderperf_bench_ingest on 127.0.0.1:5432, created and dropped.
Last line: `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _operators import bench_operators  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
PG_HOST = "postgres://postgres@127.0.0.1:5432/"
FULL, QUICK = 10_000, 500


def _setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from masar.accounts.models import Organization, User
    from masar.accounts.services import token_create
    from masar.applications.models import Application, Group, Pilgrim
    from masar.border.services import ports_load
    from masar.core.dates import riyadh_today
    from masar.visas.models import Visa

    call_command("migrate", verbosity=0, interactive=False)
    count = int(os.environ["BENCH_COUNT"])
    today = riyadh_today()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    season, company, agent = bench_operators(code="bench-ingest")
    group = Group.objects.create(agent=agent, company=company, season=season, name="bench")
    Pilgrim.objects.bulk_create(
        [
            Pilgrim(
                agent=agent,
                surname="Rahman",
                given_names="Siti",
                sex="F",
                birth_date=dt.date(1970, 1, 1),
                nationality="IDN",
                residence_country="IDN",
                passport_number=f"B{i:07d}",
                passport_issuing_state="IDN",
                passport_issue_date=day(-700),
                passport_expiry_date=day(900),
                mrz="",
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    Application.objects.bulk_create(
        [
            Application(
                number=f"BENCH{p.pk:011d}",
                group=group,
                pilgrim=p,
                agent=agent,
                company=company,
                season=season,
                status="issued",
                active_passport=f"IDN:{p.passport_number}",
                issued_at=now,
            )
            for p in Pilgrim.objects.filter(agent=agent).order_by("pk")
        ],
        batch_size=2000,
    )
    Visa.objects.bulk_create(
        [
            Visa(
                number=f"{app.pk:09d}",
                application=app,
                season=season,
                company=company,
                agent=agent,
                visa_type="umrah",
                entries=1,
                valid_from=day(-5),
                valid_until=day(25),
                stay_days=90,
                mrz_line1="V<IDN" + "<" * 39,
                mrz_line2="<" * 44,
                seal=b"\x00",
                signer_identifier="SAVB",
                certificate_reference="1",
            )
            for app in Application.objects.filter(group=group).order_by("pk")
        ],
        batch_size=2000,
    )
    ports_load()
    moi = Organization.objects.create(kind="moi", code="moi", name_en="MOI", name_ar="د")
    gate = User.objects.create(username="gate", organization=moi, is_service_account=True)
    gate.memberships.create(role="integration")
    _token, secret = token_create(actor=None, user=gate, name="bench gate")
    print(
        json.dumps(
            {"token": secret, "numbers": list(Visa.objects.values_list("number", flat=True))}
        )
    )


def _baseline() -> None:
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from masar.border.models import Crossing, Port

    numbers = json.loads(os.environ["BENCH_NUMBERS"])
    port = Port.objects.get(code="JED")
    now = timezone.now()
    rows = [
        Crossing(
            client_event_id=f"direct-{d}-{n}",
            port=port,
            direction=d,
            occurred_at=now,
            received_at=now,
            outcome="accepted",
            source="gate",
            passport_number="B0000000",
            nationality="IDN",
        )
        for d in ("entry", "exit")
        for n in numbers
    ]
    started = time.perf_counter()
    with transaction.atomic():
        Crossing.objects.bulk_create(rows, batch_size=int(os.environ["BENCH_BATCH"]))
    print(json.dumps({"seconds": time.perf_counter() - started}))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post_all(ports: list[int], token: str, batches: list[list[dict]], threads: int) -> list[dict]:
    answers: list[dict] = []
    lock = threading.Lock()
    queue = list(enumerate(batches))

    def worker(port: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while True:
            with lock:
                if not queue:
                    break
                _index, batch = queue.pop(0)
            body = json.dumps({"events": batch})
            conn.request(
                "POST",
                "/api/v1/crossings/",
                body=body,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Accept-Language": "en",
                },
            )
            response = conn.getresponse()
            data = response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {data[:300]!r}")
            with lock:
                answers.extend(json.loads(data)["results"])
        conn.close()

    # Client thread i talks to server process i modulo the number of servers.
    workers = [
        threading.Thread(target=worker, args=(ports[i % len(ports)],)) for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return answers


def _run_mode(
    args: argparse.Namespace,
    env: dict[str, str],
    tmp: str,
    psql: list[str],
    mode: str,
    servers: int,
) -> tuple[float, int, list[dict], list[str]]:
    """A fresh database and server; POST every entry then every exit; the time taken."""
    template = f"{args.database}_template"
    world_file = Path(tmp) / "world.json"
    if not world_file.exists():
        # Migrate and prepare the visas once; every mode starts from a copy of it.
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {template}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {template}"], check=True)
        out = subprocess.run(
            [sys.executable, __file__, "--setup"],
            env={**env, "DATABASE_URL": PG_HOST + template},
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        world_file.write_text(out.strip().splitlines()[-1])
    world = json.loads(world_file.read_text())
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {args.database}"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {args.database} TEMPLATE {template}"], check=True)
    numbers: list[str] = world["numbers"]
    server_env = dict(env)
    if mode == "relay_deferred":
        server_env["DJANGO_SETTINGS_MODULE"] = "bench_ingest_settings"
        server_env["PYTHONPATH"] = f"{tmp}{os.pathsep}{env['PYTHONPATH']}"
    # What production runs (docs/operations.md): gunicorn with `servers` pre-forked sync
    # workers on one port. Without gunicorn, `servers` `masar runserver --noreload`
    # processes, each on its own port, stand in for the workers.
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if gunicorn.exists():
        ports = [_free_port()]
        commands = [
            [
                str(gunicorn),
                "masar.wsgi",
                "--preload",
                "--workers",
                str(servers),
                "--bind",
                f"127.0.0.1:{ports[0]}",
            ]
        ]
    else:
        ports = [_free_port() for _ in range(servers)]
        commands = [
            [
                str(Path(sys.executable).parent / "masar"),
                "runserver",
                "--noreload",
                f"127.0.0.1:{p}",
            ]
            for p in ports
        ]
    procs = [
        subprocess.Popen(
            command, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for command in commands
    ]
    try:
        for port in ports:
            for _ in range(150):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
        base = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
        events = []
        for direction, offset in (("entry", 0), ("exit", 3600)):
            for i, number in enumerate(numbers):
                events.append(
                    {
                        "client_event_id": f"{direction}-{number}",
                        "port_code": "JED",
                        "lane_code": "HT-01",
                        "direction": direction,
                        "occurred_at": (base + dt.timedelta(seconds=offset + i % 3000)).isoformat(),
                        "visa_number": number,
                        "source": "gate",
                    }
                )
        batches = [events[i : i + args.batch] for i in range(0, len(events), args.batch)]
        entries = batches[: len(batches) // 2]
        exits = batches[len(batches) // 2 :]
        started = time.perf_counter()
        answers = _post_all(ports, world["token"], entries, args.threads)
        answers += _post_all(ports, world["token"], exits, args.threads)
        seconds = time.perf_counter() - started
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    assert len(answers) == len(events), (len(answers), len(events))
    accepted = sum(1 for a in answers if a["outcome"] == "accepted")
    return seconds, accepted, events, numbers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK} visas")
    parser.add_argument("--count", type=int)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--servers", type=int, default=2, help="server processes (workers)")
    parser.add_argument("--database", default="masar_borderperf_bench_ingest")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.setup:
        _setup()
        return 0
    if args.baseline:
        _baseline()
        return 0
    count = args.count or (QUICK if args.quick else FULL)
    tmp = tempfile.mkdtemp(prefix="masar-bench-ingest-")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "masar.settings.base",
            "MASAR_DEBUG": "0",
            "MASAR_VAR_DIR": tmp,
            "MASAR_LOG_LEVEL": "WARNING",
            "DATABASE_URL": PG_HOST + args.database,
            "BENCH_COUNT": str(count),
            "BENCH_BATCH": str(args.batch),
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c"]
    env["PGOPTIONS"] = "-c client_min_messages=warning"
    (Path(tmp) / "bench_ingest_settings.py").write_text(
        "from masar.settings.base import *  # noqa: F403\nMASAR_OUTBOX_RELAY_ON_COMMIT = False\n"
    )
    runs: dict[str, float] = {}
    accepted = 0
    events: list[dict] = []
    baseline_seconds = 0.0
    try:
        for mode, servers in (
            ("relay_on_commit", args.servers),
            ("relay_deferred", args.servers),
            ("one_server", 1),
        ):
            seconds, accepted, events, numbers = _run_mode(
                args, env, tmp, psql, mode.replace("one_server", "relay_on_commit"), servers
            )
            runs[mode] = seconds
        # The baseline, in the last run's database: the same rows, inserted directly.
        env["BENCH_NUMBERS"] = json.dumps(numbers)
        base_out = subprocess.run(
            [sys.executable, __file__, "--baseline"],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        baseline_seconds = json.loads(base_out.strip().splitlines()[-1])["seconds"]
    finally:
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {args.database}"], check=False)
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {args.database}_template"], check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    api_seconds = runs["relay_on_commit"]
    deferred_seconds = runs["relay_deferred"]
    one_seconds = runs["one_server"]
    total = len(events)
    summary = {
        "crossings": total,
        "accepted": accepted,
        "batch": args.batch,
        "threads": args.threads,
        "servers": args.servers,
        "api_seconds": round(api_seconds, 3),
        "crossings_per_second": round(total / api_seconds, 1),
        "baseline_seconds": round(baseline_seconds, 3),
        "baseline_rows_per_second": round(total / baseline_seconds, 1),
        "ratio": round(baseline_seconds / api_seconds, 3),
        "api_seconds_relay_deferred": round(deferred_seconds, 3),
        "crossings_per_second_relay_deferred": round(total / deferred_seconds, 1),
        "ratio_relay_deferred": round(baseline_seconds / deferred_seconds, 3),
        "api_seconds_one_server": round(one_seconds, 3),
        "crossings_per_second_one_server": round(total / one_seconds, 1),
        "ratio_one_server": round(baseline_seconds / one_seconds, 3),
    }
    print(
        f"{total} crossings ({accepted} accepted) through POST /api/v1/crossings/ in batches "
        f"of {args.batch}, {args.threads} client threads, {args.servers} server processes: "
        f"{summary['api_seconds']} s = "
        f"{summary['crossings_per_second']}/s (target >= 2000/s); inserting the same rows "
        f"directly {summary['baseline_seconds']} s; ratio {summary['ratio']}; with the "
        f"outbox relay deferred to its own process "
        f"{summary['crossings_per_second_relay_deferred']}/s, ratio "
        f"{summary['ratio_relay_deferred']}; one server process (relay on commit) "
        f"{summary['crossings_per_second_one_server']}/s, ratio {summary['ratio_one_server']}"
    )
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
