"""The whereabouts sweep on PostgreSQL against a bare count of the same alerted pilgrims and
against the floor (one statement writing the alerts); and stays ingested per second through
the batch API over real HTTP.

Sweep: bulk-loads (COPY) `--pilgrims` (default 2,000,000) pilgrims in the kingdom (their
applications, visas, entry crossings and open border stays) in 1,000 groups with a planned
package (three nights in Makkah, then the train to Madinah for five; arrived five days ago),
40 hotels, 2,000 trips and the field events: 95% checked in at Makkah, checked out on the
planned day, boarded the trip and checked in at Madinah; 2% never checked in
(`not_checked_in`), 1% checked out of Makkah with nothing since (`checked_out_no_onward`),
1% still at the Makkah hotel (`past_planned_nights`), 1% checked in at a hotel in Taif
(`off_plan_city`): 5% alerted. Indexes and constraints of the big tables are dropped for the
load and rebuilt after it, then the tables are analyzed. Then, in the same run:

- the bare count: `SELECT count(*)` over the sweep's own condition query (the same rows the
  sweep alerts), warm, best of three;
- the floor (the least any sweep must do): one `INSERT ... SELECT` of an alert row per
  condition, straight from the condition query, timed uncommitted and rolled back;
- the sweep, cold (no alert yet: it raises every one, with an event each), committed;
  `ratio_floor` = sweep time / floor time (target: at most 3); `ratio_count` = sweep time /
  count time;
- a second sweep (idempotent: nothing raised, closed or escalated).

Ingest (`--stays`, default 20,000 check-ins; quick 1,000): N pilgrims in the kingdom, a
hotel's service account and its bearer token; gunicorn (2 workers, as production runs) on
127.0.0.1; 4 client threads POST `/api/v1/stays/` in batches of `--batch` (default 100)
check-ins. Figure: check-ins stored per second, and the same rows inserted directly
(`bulk_create`, no identity checks, no derived stays, no events) as the baseline.

    .venv/bin/python benchmarks/whereabouts_sweep.py [--quick] [--pilgrims N] [--stays N]

`--quick` is 1/100 of the sweep's size and 500 stays (about a minute). The database
masar_whereabouts_bench on 127.0.0.1:5432 is created, used by both parts and dropped.
Last line: `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _operators import bench_operators  # noqa: E402 - benchmarks/ is on sys.path
from _postgres import PG_HOST, psql, run_child  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
PILGRIMS, STAYS, GROUPS, TRIPS, BATCH = 2_000_000, 20_000, 1_000, 2_000, 100
CHUNK = 200_000
BIG_TABLES = (
    "applications_application",
    "visas_visa",
    "border_crossing",
    "border_stay",
    "lodging_hotelstay",
    "lodging_trippassenger",
)
# Per hundred pilgrims (i % 100): 0-1 never checked in, 2 checked out with nothing since,
# 3 still at the Makkah hotel, 4 at a hotel in Taif; the others as planned.
NOT_CHECKED_IN, NO_ONWARD, PAST_NIGHTS, OFF_PLAN = (0, 1), 2, 3, 4


def _world(groups: int) -> dict:
    from django.utils import timezone

    from masar.accounts.models import Organization
    from masar.applications.models import Group, Pilgrim
    from masar.border.services import ports_load
    from masar.core.dates import riyadh_today
    from masar.lodging.models import Hotel, PlannedLeg, PlannedStay, TransportOperator, Trip

    today = riyadh_today()
    arrival = today - dt.timedelta(days=5)
    season, company, agent = bench_operators(code="bench-whereabouts", opened_days_ago=120)
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
        passport_issue_date=today - dt.timedelta(days=700),
        passport_expiry_date=today + dt.timedelta(days=900),
        mrz="",
    )
    ports_load()
    from masar.border.models import Port

    hotels: dict[str, list[int]] = {}
    for city, count in (("makkah", 20), ("madinah", 18), ("taif", 2)):
        for n in range(count):
            org = Organization.objects.create(
                kind="hotel", code=f"h-{city}-{n}", name_en=f"{city} {n}", name_ar=f"فندق {n}"
            )
            hotel = Hotel.objects.create(
                organization=org,
                licence_number=f"L-{city}-{n}",
                city=city,
                address="-",
                beds=200_000,
                status_changed_at=timezone.now(),
            )
            hotels.setdefault(city, []).append(hotel.pk)
    org = Organization.objects.create(kind="transport", code="train", name_en="Train", name_ar="ق")
    train = TransportOperator.objects.create(
        organization=org, licence_number="T-1", mode="train", status_changed_at=timezone.now()
    )
    made = Group.objects.bulk_create(
        [
            Group(agent=agent, company=company, season=season, name=f"g{n}", arrival_date=arrival)
            for n in range(groups)
        ]
    )
    group_ids = [g.pk for g in made]
    PlannedStay.objects.bulk_create(
        [
            PlannedStay(
                group_id=gid,
                hotel_id=hotels[city][n % len(hotels[city])],
                city=city,
                check_in=arrival + dt.timedelta(days=start),
                check_out=arrival + dt.timedelta(days=end),
                guests=2_000,
            )
            for n, gid in enumerate(group_ids)
            for city, start, end in (("makkah", 0, 3), ("madinah", 3, 8))
        ]
    )
    PlannedLeg.objects.bulk_create(
        [
            PlannedLeg(
                group_id=gid,
                operator=train,
                from_city="makkah",
                to_city="madinah",
                travel_date=arrival + dt.timedelta(days=3),
            )
            for gid in group_ids
        ]
    )
    moved = timezone.make_aware(dt.datetime.combine(arrival + dt.timedelta(days=3), dt.time(10)))
    trips = Trip.objects.bulk_create(
        [
            Trip(
                operator=train,
                client_trip_id=f"trip-{n}",
                from_city="makkah",
                to_city="madinah",
                departure_at=moved,
                vehicle="HHR",
                driver="-",
                source="api",
            )
            for n in range(TRIPS)
        ]
    )
    return {
        "season": season.pk,
        "company": company.pk,
        "agent": agent.pk,
        "groups": group_ids,
        "pilgrim": pilgrim.pk,
        "port": Port.objects.get(code="JED").pk,
        "hotels": hotels,
        "trips": [t.pk for t in trips],
        "arrival": arrival,
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


def _load(world: dict, pilgrims: int) -> dict:
    """COPY the pilgrims in the kingdom and their field events (set-based, no Python
    object per row)."""
    from django.db import connection

    arrival: dt.date = world["arrival"]

    def at(day: int, hour: int) -> str:
        return f"{arrival + dt.timedelta(days=day)} {hour:02d}:00:00+00"

    s, c, a, p, port = (world[k] for k in ("season", "company", "agent", "pilgrim", "port"))
    groups, hotels, trips = world["groups"], world["hotels"], world["trips"]
    stamp = "2026-01-01 00:00:00+00"
    entered = at(0, 4)
    n = r"\N"
    started = time.perf_counter()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        rebuild = _drop_indexes(cursor)
        _copy(
            cursor,
            "applications_application",
            "id, number, group_id, pilgrim_id, agent_id, company_id, season_id, status, "
            "active_passport, quota_held, status_reason, created_at, updated_at, "
            "decided_automatically, issued_at, entered_at",
            (
                f"{i}\tW{i:011d}\t{groups[i % len(groups)]}\t{p}\t{a}\t{c}\t{s}\tentered\t{n}\t"
                f"f\t\t{stamp}\t{stamp}\tt\t{stamp}\t{entered}\n"
                for i in range(1, pilgrims + 1)
            ),
        )
        today = arrival + dt.timedelta(days=5)
        _copy(
            cursor,
            "visas_visa",
            "id, number, application_id, season_id, company_id, agent_id, visa_type, status, "
            "entries, valid_from, valid_until, stay_days, mrz_line1, mrz_line2, seal, "
            "signer_identifier, certificate_reference, issued_at, cancel_reason_code, "
            "cancel_reason",
            (
                f"{i}\t{i:09d}\t{i}\t{s}\t{c}\t{a}\tumrah\tvalid\t1\t{today - dt.timedelta(30)}\t"
                f"{today + dt.timedelta(30)}\t30\t{'V' * 44}\t{'<' * 44}\t\\\\x00\tSAVB\t1\t"
                f"{stamp}\t\t\n"
                for i in range(1, pilgrims + 1)
            ),
        )
        _copy(
            cursor,
            "border_crossing",
            "id, client_event_id, port_id, lane_id, direction, occurred_at, received_at, "
            "outcome, refusal_code, document_refusal, application_id, visa_id, "
            "passport_number, nationality, company_id, agent_id, season_id, recorded_by_id, "
            "source",
            (
                f"{i}\tE{i}\t{port}\t{n}\tentry\t{entered}\t{stamp}\taccepted\t\t\t{i}\t{i}\t"
                f"B0000000\tIDN\t{c}\t{a}\t{s}\t{n}\tgate\n"
                for i in range(1, pilgrims + 1)
            ),
        )
        _copy(
            cursor,
            "border_stay",
            "id, application_id, visa_id, season_id, company_id, agent_id, nationality, "
            "entry_crossing_id, entry_port_id, entered_at, permitted_departure, "
            "exit_crossing_id, exit_port_id, exited_at, days_stayed, overstay_days",
            (
                f"{i}\t{i}\t{i}\t{s}\t{c}\t{a}\tIDN\t{i}\t{port}\t{entered}\t"
                f"{today + dt.timedelta(25)}\t{n}\t{n}\t{n}\t{n}\t{n}\n"
                for i in range(1, pilgrims + 1)
            ),
        )

        def stays():  # type: ignore[no-untyped-def]
            sid = 0
            for i in range(1, pilgrims + 1):
                kind = i % 100
                if kind in NOT_CHECKED_IN:
                    continue
                makkah = hotels["makkah"][i % len(hotels["makkah"])]
                out = n if kind == PAST_NIGHTS else at(3, 9)
                sid += 1
                yield f"{sid}\t{i}\t{p}\t{c}\t{makkah}\tmakkah\t{at(0, 8)}\t{out}\tapi\t{stamp}\n"
                if kind in (NO_ONWARD, PAST_NIGHTS):
                    continue
                city = "taif" if kind == OFF_PLAN else "madinah"
                hotel = hotels[city][i % len(hotels[city])]
                sid += 1
                yield f"{sid}\t{i}\t{p}\t{c}\t{hotel}\t{city}\t{at(3, 15)}\t{n}\tapi\t{stamp}\n"

        _copy(
            cursor,
            "lodging_hotelstay",
            "id, application_id, pilgrim_id, company_id, hotel_id, city, checked_in_at, "
            "checked_out_at, source, updated_at",
            stays(),
        )
        _copy(
            cursor,
            "lodging_trippassenger",
            "id, trip_id, application_id, pilgrim_id, company_id, boarded_at, client_event_id",
            (
                f"{i}\t{trips[i % len(trips)]}\t{i}\t{p}\t{c}\t{at(3, 10)}\tB{i}\n"
                for i in range(1, pilgrims + 1)
                if i % 100 not in (*NOT_CHECKED_IN, NO_ONWARD, PAST_NIGHTS)
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
    expected = sum(
        pilgrims // 100 + (1 if r <= pilgrims % 100 and r > 0 else 0)
        for r in (*NOT_CHECKED_IN, NO_ONWARD, PAST_NIGHTS, OFF_PLAN)
    )
    return {
        "pilgrims": pilgrims,
        "expected_alerts": expected,
        "load_seconds": round(loaded - started, 1),
        "index_seconds": round(indexed - loaded, 1),
    }


class _Rollback(Exception):
    pass


def sweep_child(pilgrims: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "masar.settings.base"
    os.environ["MASAR_DEBUG"] = "0"
    os.environ["MASAR_OUTBOX_RELAY_ON_COMMIT"] = "0"
    os.environ.setdefault("MASAR_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import override_settings
    from django.utils import timezone

    from masar.whereabouts.models import WhereaboutsAlert
    from masar.whereabouts.services import whereabouts_sweep
    from masar.whereabouts.services.sweep import conditions_sql

    call_command("migrate", verbosity=0, interactive=False)
    world = _world(min(GROUPS, max(1, pilgrims // 100)))
    sizes = _load(world, pilgrims)
    now = timezone.now()
    select, params = conditions_sql(now)
    timings = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(f"SELECT count(*) FROM ({select}) c", params)
            counted = cursor.fetchone()[0]
            timings.append(time.perf_counter() - started)
    count_seconds = min(timings)
    floor_sql = f"""
        INSERT INTO whereabouts_whereaboutsalert (application_id, pilgrim_id, season_id,
            company_id, agent_id, nationality, kind, city, hotel_id, detected_at, deadline,
            status, answer, answer_reason, answered_late, closed_reason)
        SELECT c.application_id, c.pilgrim_id, c.season_id, c.company_id, c.agent_id,
               c.nationality, c.kind, c.city, c.hotel_id, now(), now() + interval '24 hours',
               'open', '', '', false, ''
        FROM ({select}) c
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(floor_sql, params)
            floor_seconds = time.perf_counter() - started
            floor_written = cursor.rowcount
            raise _Rollback
    except _Rollback:
        pass
    with connection.cursor() as cursor:
        cursor.execute("VACUUM whereabouts_whereaboutsalert")
    with override_settings(MASAR_OUTBOX_RELAY_ON_COMMIT=False):
        started = time.perf_counter()
        first = whereabouts_sweep(now=now)
        sweep_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = whereabouts_sweep(now=now)
        again_seconds = time.perf_counter() - started
    assert counted == floor_written == first.raised == sizes["expected_alerts"], (
        counted,
        floor_written,
        first,
        sizes,
    )
    assert (second.raised, second.closed, second.escalated) == (0, 0, 0), second
    assert WhereaboutsAlert.objects.count() == counted
    return {
        **sizes,
        "counted": counted,
        "by_kind": first.by_kind,
        "count_seconds": count_seconds,
        "floor_seconds": floor_seconds,
        "sweep_seconds": sweep_seconds,
        "second_sweep_seconds": again_seconds,
    }


# --- Ingest over HTTP ----------------------------------------------------------------------


def _ingest_setup(count: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from masar.accounts.models import Organization, User
    from masar.accounts.services import token_create
    from masar.applications.models import Application, Group, Pilgrim
    from masar.core.dates import riyadh_today
    from masar.lodging.models import Hotel

    call_command("migrate", verbosity=0, interactive=False)
    today = riyadh_today()
    from masar.operators.models import Agent, Company
    from masar.seasons.models import Season

    # The sweep's season and operators (bench_operators made them in this database).
    season = Season.objects.get(code="bench-whereabouts")
    company, agent = Company.objects.get(licence_number="UMR-B1"), Agent.objects.get()
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
                passport_number=f"S{i:07d}",
                passport_issuing_state="IDN",
                passport_issue_date=today - dt.timedelta(days=700),
                passport_expiry_date=today + dt.timedelta(days=900),
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
                number=f"S{p.pk:011d}",
                group=group,
                pilgrim=p,
                agent=agent,
                company=company,
                season=season,
                status="entered",
                active_passport=f"IDN:{p.passport_number}",
                issued_at=now,
                entered_at=now - dt.timedelta(hours=6),
            )
            for p in Pilgrim.objects.filter(passport_number__startswith="S").order_by("pk")
        ],
        batch_size=2000,
    )
    org = Organization.objects.create(kind="hotel", code="hotel-bench", name_en="H", name_ar="ف")
    Hotel.objects.create(
        organization=org,
        licence_number="L-1",
        city="makkah",
        address="-",
        beds=count * 2,
        status_changed_at=now,
    )
    system = User.objects.create(username="pms", organization=org, is_service_account=True)
    system.memberships.create(role="integration")
    _token, secret = token_create(actor=None, user=system, name="bench pms")
    return {
        "token": secret,
        "numbers": list(
            Application.objects.filter(group=group).values_list("number", flat=True).order_by("pk")
        ),
    }


def _ingest_baseline(numbers: list[str], batch: int) -> float:
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from masar.applications.models import Application
    from masar.lodging.models import Hotel, StayEvent

    hotel = Hotel.objects.get(licence_number="L-1")
    mine = Application.objects.filter(number__in=numbers)
    ids = dict(mine.values_list("number", "id"))
    pilgrims = dict(mine.values_list("number", "pilgrim_id"))
    now = timezone.now()
    rows = [
        StayEvent(
            hotel=hotel,
            application_id=ids[number],
            pilgrim_id=pilgrims[number],
            kind="check_in",
            occurred_at=now,
            client_event_id=f"direct-{number}",
            received_at=now,
            source="api",
        )
        for number in numbers
    ]
    started = time.perf_counter()
    with transaction.atomic():
        StayEvent.objects.bulk_create(rows, batch_size=batch)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post_all(port: int, token: str, batches: list[list[dict]], threads: int) -> list[int]:
    stored: list[int] = []
    lock = threading.Lock()
    queue = list(batches)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while True:
            with lock:
                if not queue:
                    break
                batch = queue.pop(0)
            conn.request(
                "POST",
                "/api/v1/stays/",
                body=json.dumps({"events": batch}),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"HTTP {response.status}: {body[:300]!r}")
            answers = json.loads(body)["results"]
            with lock:
                stored.append(sum(1 for r in answers if r["accepted"] and r["created"]))
        conn.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return stored


def _wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def ingest(count: int, batch: int, database: str) -> dict:
    """Check-ins per second through POST /api/v1/stays/ served by gunicorn, in the sweep's
    database (already migrated; dropped afterwards)."""
    env = dict(os.environ)
    tmp = tempfile.mkdtemp(prefix="masar-bench-stays-")
    env.update(
        {
            "MASAR_VAR_DIR": tmp,
            "DATABASE_URL": PG_HOST + database,
            "DJANGO_SETTINGS_MODULE": "masar.settings.base",
            "MASAR_DEBUG": "0",
            "MASAR_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    server = None
    try:

        def child(role: str) -> dict:
            out = subprocess.run(
                [sys.executable, __file__, "--child-ingest", role, str(count), str(batch)],
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
            return json.loads(out.stdout.strip().splitlines()[-1])

        prepared = child("setup")
        numbers, token = prepared["numbers"], prepared["token"]
        port = _free_port()
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        assert gunicorn, "gunicorn is part of the lock"
        server = subprocess.Popen(
            [
                gunicorn,
                "masar.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            env=env,
            start_new_session=True,
        )
        _wait_for(port)
        occurred = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        events = [
            {
                "client_event_id": f"pms-{i}",
                "kind": "check_in",
                "occurred_at": occurred,
                "application_number": number,
            }
            for i, number in enumerate(numbers)
        ]
        batches = [events[i : i + batch] for i in range(0, len(events), batch)]
        started = time.perf_counter()
        stored = _post_all(port, token, batches, threads=4)
        api_seconds = time.perf_counter() - started
        baseline = child("baseline")["seconds"]
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        psql(f"DROP DATABASE IF EXISTS {database}")
        shutil.rmtree(tmp, ignore_errors=True)
    assert sum(stored) == count, (sum(stored), count)
    return {
        "stays": count,
        "batch": batch,
        "api_seconds": round(api_seconds, 3),
        "stays_per_second": round(count / api_seconds, 1),
        "baseline_seconds": round(baseline, 3),
        "ingest_ratio": round(baseline / api_seconds, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/100 of the size")
    parser.add_argument("--pilgrims", type=int)
    parser.add_argument("--stays", type=int)
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--database", default="masar_whereabouts_bench")
    parser.add_argument("--no-ingest", action="store_true", help="the sweep only")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-ingest", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        print(json.dumps(sweep_child(args.child)))
        return 0
    if args.child_ingest:
        role, count, batch = args.child_ingest
        if role == "setup":
            print(json.dumps(_ingest_setup(int(count))))
        else:
            import django

            django.setup()
            from masar.applications.models import Application

            numbers = list(
                Application.objects.filter(group__name="bench").values_list("number", flat=True)
            )
            print(json.dumps({"seconds": _ingest_baseline(numbers, int(batch))}))
        return 0
    pilgrims = args.pilgrims or (PILGRIMS // 100 if args.quick else PILGRIMS)
    stays = args.stays or (500 if args.quick else STAYS)
    # `--child` then the pilgrims: the child's value. The database is kept for the ingest.
    r = run_child(__file__, [str(pilgrims)], database=args.database, keep=True)
    summary = {
        "pilgrims": r["pilgrims"],
        "alerts": r["counted"],
        "by_kind": r["by_kind"],
        "load_seconds": r["load_seconds"],
        "index_seconds": r["index_seconds"],
        "count_seconds": round(r["count_seconds"], 3),
        "floor_seconds": round(r["floor_seconds"], 3),
        "sweep_seconds": round(r["sweep_seconds"], 3),
        "ratio_floor": round(r["sweep_seconds"] / r["floor_seconds"], 3),
        "ratio_count": round(r["sweep_seconds"] / r["count_seconds"], 3),
        "second_sweep_seconds": round(r["second_sweep_seconds"], 3),
    }
    print(
        f"{r['pilgrims']} pilgrims in the kingdom (loaded in {r['load_seconds']} s, indexed in "
        f"{r['index_seconds']} s), {r['counted']} alerted: bare count "
        f"{summary['count_seconds']} s, floor (alerts in one statement) "
        f"{summary['floor_seconds']} s, sweep (alerts and events) {summary['sweep_seconds']} s: "
        f"{summary['ratio_floor']} x the floor (target <= 3), {summary['ratio_count']} x the "
        f"count; second sweep {summary['second_sweep_seconds']} s (nothing new)"
    )
    if args.no_ingest:
        if not os.environ.get("BENCH_KEEP"):
            psql(f"DROP DATABASE IF EXISTS {args.database}")
    else:
        summary.update(ingest(stays, args.batch, args.database))
        print(
            f"{summary['stays']} check-ins through POST /api/v1/stays/ (batches of "
            f"{summary['batch']}, gunicorn 2 workers, 4 client threads): "
            f"{summary['api_seconds']} s, {summary['stays_per_second']} per second; direct "
            f"insert {summary['baseline_seconds']} s (ratio {summary['ingest_ratio']})"
        )
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
