"""Season rehearsal: a peak day end to end on PostgreSQL, through the real processes, with
faults injected, and a reconciliation that nothing was lost or duplicated.

    .venv/bin/python benchmarks/season_day.py [--quick] [--applications N] [--watchlist N]
        [--seed S] [--fail-window SECONDS]

A PostgreSQL cluster of its own (`initdb` in a temporary directory, a free port: see
`_cluster.py`), gunicorn (2 workers, `masar.gunicorn`), two `masar worker`, `masar tick`,
and a webhook receiver of its own (loopback, in this process) subscribed to every event of
every ministry and company. Before the clock: migrate, the world (season, 6 companies, 60
agents, groups, officers, gates), a watchlist of `--watchlist` names (default 1,000,000;
`--quick` 20,000) and the manifests. On the clock, stage by stage:

1. imports: 60 agents upload their groups' manifests at once (CSV and XLSX, 1-5 % invalid
   rows), poll their jobs and submit their groups;
2. approval: each company approves its submitted applications in bulk (5,000 a call);
3. screening: the workers screen; clear ones are decided automatically (the season's rule),
   referrals are decided by an analyst client (true match or false positive) and the false
   positives by a visa officer client; issuance follows each approval in the workers;
4. issuance: until every approved application has its visa;
5. visas: each agent lists its visas; a sample of seals is fetched and verified offline
   against the published certificates;
6. crossings: entries for 2/3 of the visas from three ports' gates in batches, exits for a
   third of those entered; one port is offline and syncs late, out of order;
7. sweep: the overstay sweep and the dashboards' refresh (`masar overstay sweep`, `masar
   report refresh`);
8. drain: until every webhook delivery has reached the receiver.

Faults, at moments drawn from the printed seed: SIGKILL of one worker during the imports
and again during screening and issuance (restarted 10 s later); `pg_ctl restart -m
immediate` during the crossings; the receiver answering 503 for `--fail-window` seconds
(120; `--quick` 30). Periods and stale windows of the recovery jobs are shortened for the
rehearsal in its settings module (`_settings` below, written to its temporary directory):
they are settings of the product, and the production defaults only wait longer.

After the day, the floor of its webhooks is timed on the same machine (`webhook_floor`):
the CPU of a bare sender (sign and POST a body of the day's mean size over a kept-alive
connection, nothing else) per delivery, times the day's deliveries per application; no
implementation of at-least-once delivery to these subscribers can do with less.

The reconciliation (SQL against the database, the receiver's log) is printed and asserted;
the exit status is 1 on any loss, duplicate, stuck job, failed audit verification or 5xx
outside the database restart. The last line is `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _cluster import OwnCluster, ProcessTree, free_port  # noqa: E402 - benchmarks/ on sys.path
from _season_clients import STOP, Api, CallStats, Receiver, webhook_floor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FULL = {"applications": 150_000, "watchlist": 1_000_000, "fail_window": 120}
QUICK = {"applications": 3_000, "watchlist": 20_000, "fail_window": 30}
PLANTED_SHARE = 0.01

SETTINGS = """
from masar.settings.base import *  # noqa: F403

# The receiver listens on loopback over plain HTTP: allowed explicitly for the rehearsal
# (production refuses both: docs/integration.md).
MASAR_WEBHOOKS_ALLOW_HTTP_LOCALHOST = True
MASAR_WEBHOOKS_BLOCK_PRIVATE_NETWORKS = False
# A compressed day: retries and recoveries within seconds rather than minutes.
MASAR_WEBHOOK_RETRY_BASE_SECONDS = 5
MASAR_WEBHOOK_REQUEUE_GRACE_SECONDS = 5
MASAR_MANIFEST_STALE_SECONDS = 20
MASAR_SCREENING_STALE_SECONDS = 20
MASAR_SCHEDULE_PERIODS = {
    "applications.manifests_resume": 10,
    "screening.resume": 10,
    "visas.issue_pending": 15,
    "integration.tick": 5,
    "reporting.refresh": 3600,
    "reporting.weekly": 86400,
}
"""


def _setup(outdir: Path, applications: int, watchlist: int, seed: int) -> None:
    """In a child process with Django: the world, the watchlist and the manifests."""
    import django

    django.setup()
    from _season_world import manifests_write, world_build

    started = time.monotonic()
    world = world_build(applications=applications, watchlist=watchlist, seed=seed)
    manifests = manifests_write(world, seed=seed, planted_share=PLANTED_SHARE)
    for n, manifest in enumerate(manifests):
        path = outdir / f"manifest-{n}.{manifest['format']}"
        path.write_bytes(manifest.pop("content"))
        manifest["path"] = str(path)
    world["manifests"] = manifests
    world["setup_seconds"] = time.monotonic() - started
    (outdir / "world.json").write_text(json.dumps(world))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Day:
    """The processes of one rehearsal and what it measures."""

    def __init__(self, args: argparse.Namespace, size: dict[str, Any]) -> None:
        self.args, self.size = args, size
        self.rng = random.Random(args.seed)
        self.tmp = Path(tempfile.mkdtemp(prefix="masar-season-day-"))
        self.cluster = OwnCluster()
        self.receiver = Receiver()
        self.stats = CallStats()
        self.web_port = free_port()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.trees: dict[str, ProcessTree] = {}
        self.stages: dict[str, dict[str, float]] = {}
        self.faults: list[dict[str, Any]] = []
        self.restart_windows: list[tuple[float, float]] = []
        self.commands_cpu = 0.0
        self._monitor_stop = threading.Event()
        (self.tmp / "season_day_settings.py").write_text(SETTINGS)
        self.env = dict(os.environ)
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "season_day_settings",
                "PYTHONPATH": os.pathsep.join([str(self.tmp), str(ROOT / "src"), str(ROOT / "benchmarks")]),
                "MASAR_DEBUG": "0",
                "MASAR_LOG_LEVEL": "WARNING",
                "MASAR_VAR_DIR": str(self.tmp / "var"),
                "MASAR_KEYS_DIR": str(self.tmp / "keys"),
                "PGOPTIONS": "-c client_min_messages=warning",
            }
        )  # fmt: skip

    # --- processes ---------------------------------------------------------------------

    def start_database(self) -> None:
        self.cluster.start()
        self.cluster.psql("CREATE DATABASE masar")
        self.env["DATABASE_URL"] = self.cluster.url
        self.trees["postgres"] = ProcessTree("postgres", self.cluster.postmaster_pid)

    def sql(self, query: str) -> list[list[str]]:
        out = self.cluster.psql(query, database="masar")
        return [line.split("|") for line in out.splitlines() if line]

    def scalar(self, query: str) -> int:
        return int(self.sql(query)[0][0] or 0)

    def _spawn(self, name: str, command: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)
        if name not in self.trees:
            self.trees[name] = ProcessTree(name, lambda n=name: self._pid(n))

    def _pid(self, name: str) -> int | None:
        proc = self.procs.get(name)
        return proc.pid if proc is not None and proc.poll() is None else None

    def start_processes(self) -> None:
        self._spawn("web", [str(BIN / "gunicorn"), "-c", "python:masar.gunicorn", "masar.wsgi",
                            "--workers", "2", "--bind", f"127.0.0.1:{self.web_port}"])  # fmt: skip
        for n in (1, 2):
            self._spawn(f"worker{n}", self._worker_command())
        self._spawn("tick", [str(BIN / "masar"), "tick", "--every", "2"])
        for _ in range(300):
            try:
                Api(self.web_port, "", self.stats)._connection().connect()
                break
            except OSError:
                time.sleep(0.2)
        threading.Thread(target=self._monitor, daemon=True).start()

    def _worker_command(self) -> list[str]:
        return [str(BIN / "masar"), "worker", "--no-reload", "--interval", "0.2"]

    def _monitor(self) -> None:
        while not self._monitor_stop.wait(1.0):
            for tree in list(self.trees.values()):
                tree.sample()

    def cpu(self) -> dict[str, float]:
        return {name: tree.sample() for name, tree in self.trees.items()}

    def kill_worker(self, when: str) -> None:
        name = self.rng.choice(["worker1", "worker2"])
        proc = self.procs[name]
        self.trees[name].sample()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.faults.append({"fault": "sigkill", "process": name, "during": when,
                            "at": round(time.monotonic() - self.clock, 1)})  # fmt: skip
        print(f"  fault: SIGKILL {name} during {when}", flush=True)

        def restart() -> None:
            time.sleep(10)
            self._spawn(name, self._worker_command())

        threading.Thread(target=restart, daemon=True).start()

    def restart_database(self) -> None:
        started = time.monotonic()
        seconds = self.cluster.restart_immediate()
        self.trees["postgres"].sample()
        # Clients see errors from the kill until their retry after the restart succeeds.
        self.restart_windows.append((started, time.monotonic() + 15))
        self.faults.append({"fault": "pg_ctl restart -m immediate", "during": "crossings",
                            "at": round(started - self.clock, 1), "seconds": round(seconds, 2)})  # fmt: skip
        print(f"  fault: database restarted (immediate) in {seconds:.1f} s", flush=True)

    def receiver_outage(self, seconds: float) -> None:
        self.receiver.failing = True
        self.faults.append({"fault": "receiver 503", "seconds": seconds,
                            "at": round(time.monotonic() - self.clock, 1)})  # fmt: skip
        print(f"  fault: receiver answers 503 for {seconds:.0f} s", flush=True)
        threading.Timer(seconds, lambda: setattr(self.receiver, "failing", False)).start()

    def close(self) -> None:
        self._monitor_stop.set()
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.receiver.close()
        self.cluster.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- the clock ---------------------------------------------------------------------

    def stage(self, name: str, run: Any, *args: Any) -> Any:
        print(f"stage {name} ...", flush=True)
        cpu_before, started = self.cpu(), time.monotonic()
        client_cpu, commands = time.process_time(), self.commands_cpu
        result = run(*args)
        cpu_after = self.cpu()
        self.stages[name] = {
            "seconds": round(time.monotonic() - started, 2),
            "client_cpu": round(time.process_time() - client_cpu, 2),
            **{f"cpu_{k}": round(cpu_after[k] - cpu_before.get(k, 0.0), 2) for k in cpu_after},
            "cpu_commands": round(self.commands_cpu - commands, 2),
        }
        print(f"  {name}: {self.stages[name]}", flush=True)
        return result

    def progress(self) -> None:
        """Every minute: where the day stands (the projection of a day cut short)."""
        now = time.monotonic()
        if now - getattr(self, "_progress_at", 0.0) < 60:
            return
        self._progress_at = now
        states = dict(
            (r[0], int(r[1]))
            for r in self.sql("SELECT status, count(*) FROM applications_application GROUP BY 1")
        )
        deliveries = self.sql(
            "SELECT count(*) FILTER (WHERE status = 'delivered'), count(*) "
            "FROM integration_webhookdelivery"
        )[0]
        clock = round(now - getattr(self, "clock", now))
        print(f"  progress at {clock} s: {states}; webhooks {deliveries[0]}/{deliveries[1]}",
              flush=True)  # fmt: skip

    def wait_until(self, condition: Any, what: str, timeout: float = 3600) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            self.progress()
            if STOP.is_set():
                raise RuntimeError("the rehearsal is stopping")
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {what}")
            time.sleep(1)

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A `masar` command run by a stage, its CPU seconds counted (the sweep, the
        refresh, the audit verification): one at a time, from the main thread."""
        before = _children_cpu()
        done = subprocess.run([str(BIN / "masar"), *args], env=self.env, capture_output=True,
                              text=True)  # fmt: skip
        self.commands_cpu += _children_cpu() - before
        return done

    def api(self, token: str) -> Api:
        return Api(self.web_port, token, self.stats)


def _subscribe(day: Day, world: dict[str, Any]) -> None:
    url = f"http://127.0.0.1:{day.receiver.port}/hook"
    for name, token in world["subscribers"].items():
        day.api(token).call("POST", "/api/v1/webhooks/", name="webhook_subscribe",
                            body={"url": f"{url}?{name}", "event_types": ["*"]},
                            expect=(201,))  # fmt: skip


def run(args: argparse.Namespace, size: dict[str, Any]) -> dict[str, Any]:
    import _season_reconcile as reconciliation
    import _season_stages as stages

    day = Day(args, size)
    day.bin = BIN  # type: ignore[attr-defined]
    day.killed = set()  # type: ignore[attr-defined]
    stop = {"signal": 0}

    def interrupted(signum: int, frame: Any) -> None:
        stop["signal"] = signum
        STOP.set()
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, interrupted)
    try:
        print(f"seed {args.seed}; sizes {size}; own PostgreSQL cluster on port "
              f"{day.cluster.port}", flush=True)  # fmt: skip
        day.start_database()
        started = time.monotonic()
        subprocess.run([sys.executable, __file__, "--setup", str(day.tmp), "--applications",
                        str(size["applications"]), "--watchlist", str(size["watchlist"]),
                        "--seed", str(args.seed)], env=day.env, check=True)  # fmt: skip
        world = json.loads((day.tmp / "world.json").read_text())
        print(f"setup (migrate, world, {size['watchlist']} watchlist names, manifests): "
              f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
        day.start_processes()
        _subscribe(day, world)
        day.database_before = day.scalar("SELECT pg_database_size('masar')")  # type: ignore[attr-defined]
        day.clock = time.monotonic()  # type: ignore[attr-defined]
        # The receiver's outage starts at a moment of the first half of the day's stages.
        outage_stage = day.rng.choice(["imports", "approval", "screening", "issuance"])
        counts: dict[str, Any] = {}
        plan: dict[str, Any] = {}
        for name in ("imports", "approval", "screening", "issuance", "visas", "crossings",
                     "sweep", "drain"):  # fmt: skip
            if name == outage_stage:
                threading.Timer(day.rng.uniform(0, 10), day.receiver_outage,
                                args=(size["fail_window"],)).start()  # fmt: skip
            runner = getattr(stages, name)
            if name == "crossings":
                plan = stages.crossings_plan(counts["visas"].pop("numbers"), args.seed)
                counts[name] = day.stage(name, runner, day, world, plan)
            else:
                counts[name] = day.stage(name, runner, day, world)
        end_to_end = time.monotonic() - day.clock  # type: ignore[attr-defined]
        result = reconciliation.reconcile(day, world, plan)
        extra = reconciliation.figures(day)
        extra["webhook_floor"] = _webhook_floor(day, size, result)
        peaks = {name: round(tree.peak_mb, 1) for name, tree in day.trees.items()}
        return _summary(day, size, counts, result, extra, peaks, end_to_end)
    finally:
        STOP.set()
        day.close()
        if stop["signal"]:
            print(f"stopped by signal {stop['signal']}; cluster removed", file=sys.stderr)


# The envelope around an event's payload (id, type, version, time, sequence, subject).
ENVELOPE_BYTES = 190


def _webhook_floor(day: Day, size: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The least CPU any sender needs for the day's webhook deliveries (`webhook_floor`),
    timed after the day on the same machine, set against what the day's drain cost."""
    body = ENVELOPE_BYTES + day.scalar(
        "SELECT coalesce(avg(octet_length(payload::text)), 0)::int FROM integration_outboxevent"
    )
    floor = webhook_floor(sys.executable, min(20_000, max(1_000, result["deliveries"])), body)
    per_app = result["deliveries"] / size["applications"]
    floor_ms = floor["sender_cpu_ms_per_delivery"] * per_app
    full_day = FULL["applications"] * floor_ms / 1000
    return {
        **floor,
        "deliveries_per_application": round(per_app, 1),
        "sender_cpu_ms_per_application": round(floor_ms, 2),
        # A full-size day's webhooks alone, at the floor, on this machine's two cores.
        "full_day_seconds_on_two_cores": round(full_day / 2, 1),
    }


PILGRIMS_A_YEAR = 30_000_000
PEAK_FACTOR = 5  # Ramadan: five times the year's average day
UTILISATION = 0.6  # cores sized to run the peak day at 60 %: bursts within the day


def capacity_plan(stages: dict[str, dict[str, float]], applications: int, day_bytes: int) -> dict[str, Any]:  # fmt: skip
    """Cores per kind of process for 30 million pilgrims a year with a Ramadan peak day of
    five times the average, from the CPU seconds per application this day measured, and
    the database's size for a year from its growth per application."""
    peak_day = PILGRIMS_A_YEAR / 365 * PEAK_FACTOR
    kinds = {"web": ["web"], "worker": ["worker1", "worker2", "tick", "commands"],
             "database": ["postgres"]}  # fmt: skip
    per_app = {
        kind: sum(v.get(f"cpu_{n}", 0.0) for v in stages.values() for n in names) / applications
        for kind, names in kinds.items()
    }
    by_stage = {
        stage: {kind: round(sum(v.get(f"cpu_{n}", 0.0) for n in names) / applications * 1000, 2)
                for kind, names in kinds.items()}
        for stage, v in stages.items()
    }  # fmt: skip
    return {
        "peak_day_applications": round(peak_day),
        "cpu_ms_per_application": {k: round(v * 1000, 2) for k, v in per_app.items()},
        "cpu_ms_per_application_by_stage": by_stage,
        "cores_at_peak": {
            k: round(v * peak_day / 86400 / UTILISATION, 1) for k, v in per_app.items()
        },
        "database_gb_per_year": round(day_bytes / applications * PILGRIMS_A_YEAR / 2**30, 1),
    }


def _summary(day: Day, size: dict[str, Any], counts: dict[str, Any], result: dict[str, Any],
             extra: dict[str, Any], peaks: dict[str, float], end_to_end: float) -> dict[str, Any]:  # fmt: skip
    applications = size["applications"]
    server = [k for k in next(iter(day.stages.values())) if k.startswith("cpu_")]
    cpu_per_app = {
        stage: round(sum(v[k] for k in server) / applications * 1000, 2)
        for stage, v in day.stages.items()
    }
    capacity = capacity_plan(
        day.stages, applications, (extra["database_bytes"] - day.database_before)
    )  # type: ignore[attr-defined]
    database_mb = extra["database_bytes"] / 2**20
    # What the day added: the schema, the world and the watchlist were there before it.
    day_mb = (extra["database_bytes"] - day.database_before) / 2**20  # type: ignore[attr-defined]
    return {
        "benchmark": "season_day",
        "seed": day.args.seed,
        "applications": applications,
        "watchlist": size["watchlist"],
        "end_to_end_seconds": round(end_to_end, 1),
        "headroom": round(86400 / end_to_end, 1),
        "applications_per_second": round(applications / end_to_end, 2),
        "lost": result["lost"],
        "duplicated": result["duplicated"],
        "checks": result["checks"],
        "states": result["states"],
        "stages": day.stages,
        "server_cpu_ms_per_application": cpu_per_app,
        "counts": counts,
        "api_latency": day.stats.summary(),
        "queue_delay": extra["queue_delay"],
        "peak_rss_mb": peaks,
        "database_mb": round(database_mb, 1),
        "database_mb_added_by_the_day": round(day_mb, 1),
        "database_mb_per_100k_applications": round(day_mb / applications * 100_000, 1),
        "capacity_30m_pilgrims": capacity,
        "faults": day.faults,
        "webhooks": {
            k: result[k]
            for k in ("deliveries", "received_total", "received_again", "refused_by_receiver")
        },  # fmt: skip
        "webhook_floor": extra["webhook_floor"],
        "errors_in_restart_window": result["errors_in_restart_window"],
        "orphaned_task_rows": result["orphaned_task_rows"],
        "audit": result["audit"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3,000 applications, 20,000 names")
    parser.add_argument("--applications", type=int)
    parser.add_argument("--watchlist", type=int)
    parser.add_argument("--fail-window", type=float, help="seconds the receiver answers 503")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--setup", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        _setup(Path(args.setup), args.applications, args.watchlist, args.seed)
        return 0
    size = dict(QUICK if args.quick else FULL)
    for key in ("applications", "watchlist", "fail_window"):
        if getattr(args, key) is not None:
            size[key] = getattr(args, key)
    summary = run(args, size)
    print(json.dumps({k: summary[k] for k in ("checks", "states", "stages")}, indent=1))
    failed = summary["lost"] or summary["duplicated"] or any(summary["checks"].values())
    if failed:
        print("RECONCILIATION FAILED: " + ", ".join(
            f"{k}={v}" for k, v in summary["checks"].items() if v), file=sys.stderr)  # fmt: skip
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
