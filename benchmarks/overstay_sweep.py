"""The overstay sweep on PostgreSQL against a bare SQL count of the same overstayers.

Bulk-loads (COPY) 10,000,000 issued visas and their applications, 9,000,000 entries and
8,500,000 exits (crossings and stays): 500,000 pilgrims are still inside, of whom
`--overstayers` (default 100,000) are past their permitted departure, their departures
spread evenly over the last `--days` days (default 10; the newest yesterday). Indexes and
constraints of the four big tables are dropped for the load and rebuilt after it (the
usual bulk-load order), then the tables are analyzed. Then, in the same run (ADR 0076):

- cold, everyone at once: a bare `SELECT count(*)` of all the overstayers (open stay past
  its permitted departure, application `entered`, no overstay record), warm, best of
  three; then `overstay_sweep()` detecting all of them, in a transaction rolled back
  (`ratio_cold`); the touched tables are vacuumed after it;
- steady state, what the hourly job does: the earlier days' runs (one sweep as of
  yesterday, not timed) record every overstayer but the day's; then the bare count of the
  day's new overstayers and the timed sweep that detects them (`ratio`);
- a second sweep (idempotent: nothing new);
- the floor (ADR 0095), before the timed steady-state sweep: the least any sweep must do,
  one statement finding the same overstayers and writing a record and one event for each,
  timed uncommitted and rolled back (`ratio_floor`, count time / floor time).

The sweep runs with the outbox relay deferred to its own process, as in production
(MASAR_OUTBOX_RELAY_ON_COMMIT off). Ratios are count time / sweep time (the target,
the sweep within 3 times the bare count, is a ratio of at least 0.333; it is claimed for
the steady state only).

    .venv/bin/python benchmarks/overstay_sweep.py [--quick] [--scale N] [--days D]
        [--database NAME]

`--quick` is 1/100 of the size (100,000 visas). The database (default
masar_borderperf_bench on 127.0.0.1:5432) is created and dropped. Last line: `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from _operators import bench_operators  # noqa: E402 - benchmarks/ is on sys.path
from _postgres import run_child  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
VISAS, ENTRIES, EXITS, OVERSTAYERS = 10_000_000, 9_000_000, 8_500_000, 100_000
CHUNK = 200_000
BIG_TABLES = ("applications_application", "visas_visa", "border_crossing", "border_stay")


def _world() -> dict[str, int]:

    from masar.applications.models import Group, Pilgrim
    from masar.border.services import ports_load
    from masar.core.dates import riyadh_today

    today = riyadh_today()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    season, company, agent = bench_operators(code="bench-sweep", opened_days_ago=210)
    group = Group.objects.create(agent=agent, company=company, season=season, name="bench")
    pilgrim = Pilgrim.objects.create(
        agent=agent,
        surname="Rahman",
        given_names="Siti",
        sex="F",
        birth_date=dt.date(1970, 1, 1),
        nationality="IDN",
        residence_country="IDN",
        passport_number="B0000000",
        passport_issuing_state="IDN",
        passport_issue_date=day(-700),
        passport_expiry_date=day(900),
        mrz="",
    )
    ports_load()
    from masar.border.models import Port

    return {
        "season": season.pk,
        "company": company.pk,
        "agent": agent.pk,
        "group": group.pk,
        "pilgrim": pilgrim.pk,
        "port": Port.objects.get(code="JED").pk,
    }


def _drop_indexes(cursor: object) -> list[str]:
    """Drop the secondary indexes and the constraints of the big tables; return the SQL
    that rebuilds them."""
    rebuild: list[str] = []
    constraints: list[str] = []
    for table in BIG_TABLES:
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u', 'c')",
            [table],
        )
        owned = set()
        for name, kind, definition in cursor.fetchall():  # type: ignore[attr-defined]
            owned.add(name)
            suffix = " NOT VALID" if kind in ("f", "c") else ""
            constraints.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}{suffix}')
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')  # type: ignore[attr-defined]
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE '%%_pkey'",
            [table],
        )
        for name, definition in cursor.fetchall():  # type: ignore[attr-defined]
            if name in owned:
                continue
            rebuild.append(definition)
            cursor.execute(f'DROP INDEX "{name}"')  # type: ignore[attr-defined]
    return rebuild + constraints


def _copy(cursor: object, table: str, columns: str, rows: object) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        buffer: list[str] = []
        for row in rows:  # type: ignore[attr-defined]
            buffer.append(row)
            if len(buffer) >= CHUNK:
                copy.write("".join(buffer))
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))


def _load(world: dict[str, int], scale: int, overstayers: int, days: int) -> dict[str, int]:
    from django.db import connection

    from masar.core.dates import riyadh_today

    visas, entries, exits = VISAS // scale, ENTRIES // scale, EXITS // scale
    over = min(overstayers // scale if scale > 1 else overstayers, entries - exits)
    today = riyadh_today()
    stamp = "2026-01-01 00:00:00+00"

    # Days relative to today: those who left entered 40 days ago and left 30 days ago;
    # overstayers entered 90 to 89 + `days` days ago (90-day stay: permitted departures
    # spread evenly over the last `days` days, the newest yesterday); the others inside
    # entered 10 days ago.
    def at(days_ago: int, hour: int = 7) -> str:
        return f"{today - dt.timedelta(days=days_ago)} {hour:02d}:00:00+00"

    def permitted(days_ago: int) -> str:
        return str(today - dt.timedelta(days=days_ago) + dt.timedelta(days=89))

    s, c, a, g, p, port = (
        world[k] for k in ("season", "company", "agent", "group", "pilgrim", "port")
    )
    n = r"\N"

    def status(i: int) -> str:
        return "departed" if i <= exits else ("entered" if i <= entries else "issued")

    def entered_days(i: int) -> int:
        if i <= exits:
            return 40
        return 90 + (i - exits - 1) % days if i <= exits + over else 10

    started = time.perf_counter()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        rebuild = _drop_indexes(cursor)
        _copy(
            cursor,
            "applications_application",
            "id, number, group_id, pilgrim_id, agent_id, company_id, season_id, status, "
            "active_passport, quota_held, status_reason, created_at, updated_at, "
            "decided_automatically, issued_at, entered_at, departed_at",
            (
                f"{i}\tB{i:011d}\t{g}\t{p}\t{a}\t{c}\t{s}\t{status(i)}\t{n}\tf\t\t{stamp}\t"
                f"{stamp}\tt\t{stamp}\t"
                f"{at(entered_days(i)) if i <= entries else n}\t"
                f"{at(30) if i <= exits else n}\n"
                for i in range(1, visas + 1)
            ),
        )
        line1 = "V<IDNRAHMAN<<SITI" + "<" * 27
        line2 = "B0000000<0IDN7001012F2712315" + "<" * 16
        _copy(
            cursor,
            "visas_visa",
            "id, number, application_id, season_id, company_id, agent_id, visa_type, status, "
            "entries, valid_from, valid_until, stay_days, mrz_line1, mrz_line2, seal, "
            "signer_identifier, certificate_reference, issued_at, cancel_reason_code, "
            "cancel_reason",
            (
                f"{i}\t{i:09d}\t{i}\t{s}\t{c}\t{a}\tumrah\tvalid\t1\t{today - dt.timedelta(150)}\t"
                f"{today + dt.timedelta(30)}\t90\t{line1}\t{line2}\t\\\\x00\tSAVB\t1\t{stamp}\t\t\n"
                for i in range(1, visas + 1)
            ),
        )

        def crossing_rows():  # type: ignore[no-untyped-def]
            for i in range(1, entries + 1):
                yield (
                    f"{i}\tE{i}\t{port}\t{n}\tentry\t{at(entered_days(i))}\t{stamp}\taccepted\t"
                    f"\t\t{i}\t{i}\tB0000000\tIDN\t{c}\t{a}\t{s}\t{n}\tgate\n"
                )
            for i in range(1, exits + 1):
                yield (
                    f"{entries + i}\tX{i}\t{port}\t{n}\texit\t{at(30)}\t{stamp}\taccepted\t"
                    f"\t\t{i}\t{i}\tB0000000\tIDN\t{c}\t{a}\t{s}\t{n}\tgate\n"
                )

        _copy(
            cursor,
            "border_crossing",
            "id, client_event_id, port_id, lane_id, direction, occurred_at, received_at, "
            "outcome, refusal_code, document_refusal, application_id, visa_id, "
            "passport_number, nationality, company_id, agent_id, season_id, recorded_by_id, "
            "source",
            crossing_rows(),
        )
        _copy(
            cursor,
            "border_stay",
            "id, application_id, visa_id, season_id, company_id, agent_id, nationality, "
            "entry_crossing_id, entry_port_id, entered_at, permitted_departure, "
            "exit_crossing_id, exit_port_id, exited_at, days_stayed, overstay_days",
            (
                f"{i}\t{i}\t{i}\t{s}\t{c}\t{a}\tIDN\t{i}\t{port}\t{at(entered_days(i))}\t"
                f"{permitted(entered_days(i))}\t"
                + (
                    f"{entries + i}\t{port}\t{at(30)}\t11\t0\n"
                    if i <= exits
                    else f"{n}\t{n}\t{n}\t{n}\t{n}\n"
                )
                for i in range(1, entries + 1)
            ),
        )
        loaded = time.perf_counter()
        for statement in rebuild:
            cursor.execute(statement)
        for table in BIG_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        indexed = time.perf_counter()
    with connection.cursor() as cursor:
        for table in BIG_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {
        "visas": visas,
        "entries": entries,
        "exits": exits,
        "overstayers": over,
        "load_seconds": round(loaded - started, 1),
        "index_seconds": round(indexed - loaded, 1),
    }


# The overstayers as of %(as_of)s, as the sweep defines them: counted by the baseline and
# written by the floor, so that both read the very same rows.
OVERSTAYERS_SQL = """
FROM border_stay s JOIN applications_application a ON a.id = s.application_id
WHERE s.exited_at IS NULL AND s.permitted_departure < %(as_of)s AND a.status = 'entered'
  AND NOT EXISTS (SELECT 1 FROM border_overstay o WHERE o.stay_id = s.id)
"""
COUNT_SQL = "SELECT count(*) " + OVERSTAYERS_SQL


# The least any sweep must do (ADR 0095): find the same overstayers, write an overstay
# record for each and one event for each (the notice to its company and agent), in one
# statement, before any commit. No application moved, no log, no audit, no second event;
# the event's payload is just the ids. Timed and rolled back.
FLOOR_SQL = f"""
WITH found AS (
    INSERT INTO border_overstay (stay_id, application_id, season_id, company_id, agent_id,
        nationality, permitted_departure, detected_on, detected_at, notice_due_at, status)
    SELECT s.id, s.application_id, s.season_id, s.company_id, s.agent_id, s.nationality,
           s.permitted_departure, %(as_of)s, now(), now() + interval '72 hours', 'open'
    {OVERSTAYERS_SQL}
    RETURNING id, application_id, company_id, agent_id
)
INSERT INTO integration_outboxevent (event_id, type, version, subject_type, subject_id,
    organizations, ministries, occurred_at, payload)
SELECT gen_random_uuid(), 'overstay.detected', 1, 'border.overstay', CAST(f.id AS text),
       '[]', '[]', now(),
       jsonb_build_object('overstay_id', f.id, 'application_id', f.application_id,
                          'company_id', f.company_id, 'agent_id', f.agent_id)
FROM found f
"""


class _Rollback(Exception):
    pass


def _floor(as_of: dt.date) -> tuple[int, float]:
    """FLOOR_SQL timed, then rolled back; the touched tables vacuumed (untimed)."""
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(FLOOR_SQL, {"as_of": as_of})
            seconds = time.perf_counter() - started
            written = cursor.rowcount
            raise _Rollback
    except _Rollback:
        pass
    with connection.cursor() as cursor:
        for table in ("border_overstay", "integration_outboxevent"):
            cursor.execute(f"VACUUM {table}")
    return written, seconds


def _count(as_of: dt.date) -> tuple[int, float]:
    """The bare count of the overstayers as of `as_of`: warm, best of three."""
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(COUNT_SQL, {"as_of": as_of})
            counted = cursor.fetchone()[0]
            timings.append(time.perf_counter() - started)
    return counted, min(timings)


def child(scale: int, overstayers: int, days: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "masar.settings.base"
    os.environ["MASAR_DEBUG"] = "0"
    os.environ["MASAR_OUTBOX_RELAY_ON_COMMIT"] = "0"
    os.environ.setdefault("MASAR_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import override_settings

    from masar.border.models import Overstay
    from masar.border.services import overstay_sweep
    from masar.core.dates import riyadh_today

    call_command("migrate", verbosity=0, interactive=False)
    world = _world()
    sizes = _load(world, scale, overstayers, days)
    today = riyadh_today()
    cold_counted, cold_count_seconds = _count(today)
    with override_settings(MASAR_OUTBOX_RELAY_ON_COMMIT=False):
        # 1. Cold: nobody recorded yet, everyone detected at once (rolled back).
        spent: list[tuple[float, str]] = []

        def clock(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent.append((time.perf_counter() - began, " ".join(sql.split())[:90]))

        try:
            with transaction.atomic(), connection.execute_wrapper(clock):
                started = time.perf_counter()
                overstay_sweep(as_of=today)
                cold_seconds = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            pass
        if os.environ.get("BENCH_PROFILE"):
            for seconds, sql in sorted(spent, reverse=True)[:8]:
                print(f"{seconds:8.3f} {sql}", file=sys.stderr)
        with connection.cursor() as cursor:
            # The rolled-back run's dead rows would otherwise slow the next one.
            for table in (
                "applications_application",
                "applications_applicationtransition",
                "border_overstay",
                "integration_outboxevent",
            ):
                cursor.execute(f"VACUUM {table}")
        # 2. Steady state: the earlier days' runs (not timed) recorded every overstayer
        # up to yesterday's run; today's run detects the day's new overstayers.
        earlier = overstay_sweep(as_of=today - dt.timedelta(days=1))
        counted, count_seconds = _count(today)
        floor_written, floor_seconds = _floor(today)
        spent.clear()
        with connection.execute_wrapper(clock):
            started = time.perf_counter()
            first = overstay_sweep(as_of=today)
            sweep_seconds = time.perf_counter() - started
        if os.environ.get("BENCH_PROFILE"):
            print("steady state:", file=sys.stderr)
            for seconds, sql in sorted(spent, reverse=True)[:8]:
                print(f"{seconds:8.3f} {sql}", file=sys.stderr)
        started = time.perf_counter()
        second = overstay_sweep(as_of=today)
        again_seconds = time.perf_counter() - started
    assert cold_counted == sizes["overstayers"], (cold_counted, sizes)
    assert first.detected == counted == sizes["overstayers"] - earlier.detected, (first, counted)
    assert second.detected == 0
    assert floor_written == counted, (floor_written, counted)
    assert Overstay.objects.count() == cold_counted
    return {
        **sizes,
        "days": days,
        "cold_counted": cold_counted,
        "cold_count_seconds": cold_count_seconds,
        "earlier_detected": earlier.detected,
        "counted": counted,
        "detected": first.detected,
        "count_seconds": count_seconds,
        "sweep_seconds": sweep_seconds,
        "floor_seconds": floor_seconds,
        "second_sweep_seconds": again_seconds,
        "cold_sweep_seconds": cold_seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/100 of the size")
    parser.add_argument("--scale", type=int, help="divide every size by this")
    parser.add_argument("--overstayers", type=int, default=OVERSTAYERS)
    parser.add_argument(
        "--days", type=int, default=10, help="days over which the overstayers fell due"
    )
    parser.add_argument("--database", default="masar_borderperf_bench")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale = args.scale or (100 if args.quick else 1)
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        print(json.dumps(child(scale, args.overstayers, args.days)))
        return 0
    r = run_child(
        __file__,
        ["--scale", str(scale), "--overstayers", str(args.overstayers), "--days", str(args.days)],
        database=args.database,
        keep=bool(os.environ.get("BENCH_KEEP")),
    )
    summary = {
        "visas": r["visas"],
        "entries": r["entries"],
        "exits": r["exits"],
        "overstayers": r["cold_counted"],
        "days": r["days"],
        "load_seconds": r["load_seconds"],
        "index_seconds": r["index_seconds"],
        # Steady state: the day's new overstayers (earlier days already recorded).
        "new_overstayers": r["detected"],
        "count_seconds": round(r["count_seconds"], 3),
        "sweep_seconds": round(r["sweep_seconds"], 3),
        "ratio": round(r["count_seconds"] / r["sweep_seconds"], 3),
        # The least any sweep must do, uncommitted (FLOOR_SQL): an upper bound of `ratio`.
        "floor_seconds": round(r["floor_seconds"], 3),
        "ratio_floor": round(r["count_seconds"] / r["floor_seconds"], 3),
        # Cold: everyone at once, nobody recorded before (run rolled back).
        "cold_count_seconds": round(r["cold_count_seconds"], 3),
        "cold_sweep_seconds": round(r["cold_sweep_seconds"], 3),
        "ratio_cold": round(r["cold_count_seconds"] / r["cold_sweep_seconds"], 3),
        "second_sweep_seconds": round(r["second_sweep_seconds"], 3),
    }
    print(
        f"{r['visas']} visas, {r['entries']} entries, {r['exits']} exits (loaded in "
        f"{r['load_seconds']} s, indexed in {r['index_seconds']} s). Cold, all "
        f"{r['cold_counted']} overstayers at once: bare count {summary['cold_count_seconds']} s,"
        f" sweep {summary['cold_sweep_seconds']} s, ratio {summary['ratio_cold']}. Steady "
        f"state, the day's {r['detected']} new overstayers ({r['earlier_detected']} recorded by "
        f"the earlier days' runs): bare count {summary['count_seconds']} s, sweep "
        f"{summary['sweep_seconds']} s, ratio {summary['ratio']} (target >= 0.333); the floor "
        f"(records and one event each, one statement, uncommitted) {summary['floor_seconds']} s,"
        f" ratio {summary['ratio_floor']}; second "
        f"sweep {summary['second_sweep_seconds']} s (0 new)"
    )
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
