"""Dashboard queries on a season of 10 million applications, against a baseline of the same
indicators computed directly from the recording tables.

Loads one season into PostgreSQL with set-based SQL (`INSERT ... SELECT` over
`generate_series`, foreign-key triggers off during the load): 10 M pilgrims and
applications with their step times (92 % decided automatically in seconds, the rest by a
person within two days; 98 % issued), e-visas, entry crossings and stays for 45 % of them,
exits for 70 % of those, security reviews for 2 %, overstays for 1 % of the open stays; 200
companies, 1,000 agents, 60 nationalities, 6 ports of the three types. Then the
maintained aggregates are computed once (`indicators_refresh`, timed for information), and
each dashboard (ministry of Hajj and Umrah, foreign ministry, interior ministry, one
company) is timed: `selectors.dashboard(...)`, every table and figure it shows. The
baseline, in the same run, computes the ministry dashboard's indicators straight from the
raw tables (GROUP BY, `percentile_cont`). Target: every dashboard under one second.
ratio = baseline seconds / Masar seconds (ministry dashboard; higher is better).

    .venv/bin/python benchmarks/dashboard.py [--quick] [--count N] [--database NAME]

PostgreSQL: DATABASE_URL when it names PostgreSQL (an empty database), else NAME
(masar_reporting_bench) on 127.0.0.1:5432, created and dropped (--keep keeps it).
The last line printed is `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from _postgres import run_child  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
FULL, QUICK = 10_000_000, 100_000
COMPANIES, AGENTS = 200, 1_000
NATIONALITIES = [
    "IDN", "PAK", "IND", "BGD", "EGY", "TUR", "MYS", "NGA", "DZA", "MAR", "IRQ", "JOR",
    "GBR", "SEN", "UZB", "IRN", "AFG", "SDN", "YEM", "SYR", "LBN", "TUN", "LBY", "SOM",
    "ETH", "KEN", "TZA", "UGA", "GHA", "MLI", "NER", "TCD", "CMR", "CIV", "GIN", "BFA",
    "MRT", "GMB", "SLE", "LBR", "KAZ", "KGZ", "TJK", "TKM", "AZE", "RUS", "CHN", "THA",
    "PHL", "SGP", "BRN", "MDV", "LKA", "NPL", "FRA", "DEU", "NLD", "BEL", "USA", "CAN",
]  # fmt: skip
PORTS = [
    # code, type, city, share of entries (cumulative)
    ("JED", "air", "Jeddah", 0.60),
    ("MED", "air", "Madinah", 0.80),
    ("TIF", "air", "Taif", 0.87),
    ("HDT", "land", "Al-Qurayyat", 0.94),
    ("BTH", "land", "Al-Batha", 0.98),
    ("JDP", "sea", "Jeddah", 1.00),
]
SEASON_START = dt.date(2026, 1, 1)


def _world() -> dict[str, Any]:
    """The season, its operators, groups, ports and the users who read the dashboards."""
    from masar.accounts.models import Organization, User
    from masar.applications.models import Group
    from masar.border.models import Port
    from masar.operators.models import Agent, Company
    from masar.seasons.models import Season, SeasonRules

    def day(offset: int) -> dt.date:
        return SEASON_START + dt.timedelta(days=offset)

    season = Season.objects.create(
        code="bench-1447",
        kind="umrah",
        hijri_year=1447,
        name_en="Bench season",
        name_ar="موسم القياس",
        starts_on=day(0),
        contracts_due=day(5),
        visas_from=day(5),
        last_agent_approval=day(180),
        last_visa_date=day(200),
        last_entry_date=day(230),
        last_exit_date=day(280),
        ends_on=day(300),
    )
    SeasonRules.objects.create(season=season)
    orgs = Organization.objects.bulk_create(
        [Organization(kind="company", code=f"bc{i}", name_en=f"Company {i}", name_ar=f"شركة {i}") for i in range(COMPANIES)]
        + [Organization(kind="agent", code=f"ba{i}", name_en=f"Agent {i}", name_ar=f"وكيل {i}") for i in range(AGENTS)]
        + [Organization(kind=k, code=k, name_en=k, name_ar=k) for k in ("mohu", "mofa", "moi")]
    )  # fmt: skip
    companies = Company.objects.bulk_create(
        [
            Company(
                organization=orgs[i],
                licence_number=f"UMR-B{i}",
                licence_valid_from=day(-400),
                licence_valid_until=day(400),
                guarantee_amount=Decimal("2000000"),
                guarantee_valid_until=day(400),
            )
            for i in range(COMPANIES)
        ]
    )
    agents = Agent.objects.bulk_create(
        [
            Agent(
                organization=orgs[COMPANIES + i],
                country=NATIONALITIES[min(int(60 * (i / AGENTS) ** 2.5), 59)],
                licence_number=f"AG-{i}",
                licence_valid_until=day(400),
            )
            for i in range(AGENTS)
        ]
    )
    groups = Group.objects.bulk_create(
        [
            Group(agent=agents[i], company=companies[i % COMPANIES], season=season, name=f"G{i}")
            for i in range(AGENTS)
        ]
    )
    ports = Port.objects.bulk_create(
        [
            Port(code=code, name_en=code, name_ar=code, port_type=kind, city=city)
            for code, kind, city, _share in PORTS
        ]
    )
    # The dashboards read the organization's kind (roles only gate the API).
    users = {
        kind: User.objects.create(username=f"bench.{kind}", organization=org)
        for kind, org in zip(("mohu", "mofa", "moi"), orgs[-3:], strict=True)
    }
    users["company"] = User.objects.create(username="bench.company", organization=orgs[0])
    return {
        "season": season,
        "groups": [g.pk for g in groups],
        "agents": [a.pk for a in agents],
        "companies": [groups[i].company_id for i in range(AGENTS)],
        "countries": [a.country for a in agents],
        "ports": [p.pk for p in ports],
        "users": users,
        "company_id": companies[0].pk,
    }


def _load(world: dict[str, Any], count: int) -> float:
    """The raw season, set-based; returns the seconds it took."""
    from django.db import connection

    season_id = world["season"].pk
    params = {
        "n": count,
        "groups": world["groups"],
        "agents": world["agents"],
        "companies": world["companies"],
        "nats": NATIONALITIES,
        # Most pilgrims share their agent's country (agents serve one country).
        "countries": world["countries"],
        "start": dt.datetime.combine(SEASON_START, dt.time(0), tzinfo=dt.UTC),
        "season": season_id,
    }
    port_case = " ".join(
        f"WHEN r_port < {share} THEN {pk}"
        for (_c, _k, _city, share), pk in zip(PORTS, world["ports"], strict=True)
    )
    statements = [
        "SET session_replication_role = replica",  # no FK triggers while loading
        "SET synchronous_commit = off",
        f"""
        INSERT INTO applications_pilgrim (id, agent_id, surname, given_names, native_name, sex,
            birth_date, nationality, residence_country, passport_number, passport_issuing_state,
            passport_issue_date, passport_expiry_date, mrz, photo, vaccine_type, created_at)
        SELECT g, (%(agents)s::bigint[])[1 + g %% {AGENTS}], 'BENCH', 'PILGRIM', '', 'M',
            DATE '1980-01-01', n, n, 'P' || g, n, DATE '2020-01-01', DATE '2032-01-01', '', '',
            'conjugate', %(start)s
        FROM (SELECT g, CASE WHEN random() < 0.97 THEN (%(countries)s::text[])[1 + g %% {AGENTS}]
                             ELSE (%(nats)s::text[])[1 + floor(60 * power(random(), 2.5))::int] END AS n
              FROM generate_series(1, %(n)s) g) s
        """,
        f"""
        INSERT INTO applications_application (id, number, status, quota_held, status_reason,
            created_at, updated_at, submitted_at, decided_at, decided_automatically, issued_at,
            entered_at, departed_at, agent_id, company_id, season_id, group_id, pilgrim_id)
        SELECT g, 'B' || g,
            CASE WHEN dep IS NOT NULL THEN 'departed' WHEN ent IS NOT NULL THEN 'entered'
                 WHEN iss IS NOT NULL THEN 'issued' ELSE 'rejected' END,
            false, '', sub, sub, sub, dec, auto, iss, ent, dep,
            (%(agents)s::bigint[])[1 + g %% {AGENTS}], (%(companies)s::bigint[])[1 + g %% {AGENTS}],
            %(season)s, (%(groups)s::bigint[])[1 + g %% {AGENTS}], g
        FROM (
            SELECT g, sub, auto, dec, iss,
                CASE WHEN iss IS NOT NULL AND r_ent < 0.45 THEN iss + (3 + r_ent * 60) * interval '1 day' END AS ent,
                CASE WHEN iss IS NOT NULL AND r_ent < 0.45 AND r_dep < 0.7
                     THEN iss + (3 + r_ent * 60) * interval '1 day' + (5 + r_dep * 30) * interval '1 day' END AS dep
            FROM (
                SELECT g, sub, auto, dec, r_ent, r_dep,
                    CASE WHEN r_iss < 0.98 THEN dec + (10 + r_t * 1800) * interval '1 second' END AS iss
                FROM (
                    SELECT g, sub, r_auto < 0.92 AS auto, r_iss, r_ent, r_dep, r_t,
                        CASE WHEN r_auto < 0.92 THEN sub + (1 + r_dec * 59) * interval '1 second'
                             ELSE sub + (1 + r_dec * 47) * interval '1 hour' END AS dec
                    FROM (
                        SELECT g, %(start)s::timestamptz + (g::float8 / %(n)s) * interval '200 days' AS sub,
                            random() AS r_auto, random() AS r_dec, random() AS r_iss,
                            random() AS r_ent, random() AS r_dep, random() AS r_t
                        FROM generate_series(1, %(n)s) g
                    ) a
                ) b
            ) c
        ) d
        """,
        """
        INSERT INTO visas_visa (id, number, visa_type, status, entries, valid_from, valid_until,
            stay_days, mrz_line1, mrz_line2, seal, signer_identifier, certificate_reference,
            issued_at, cancel_reason_code, cancel_reason, agent_id, application_id, company_id,
            season_id)
        SELECT id, lpad(id::text, 9, '0'), 'umrah', 'valid', 1, issued_at::date,
            issued_at::date + 90, 90, '', '', '\\x00'::bytea, 'BNCH', 'bench', issued_at, '', '',
            agent_id, id, company_id, season_id
        FROM applications_application WHERE season_id = %(season)s AND entered_at IS NOT NULL
        """,
        f"""
        INSERT INTO border_crossing (id, client_event_id, direction, occurred_at, received_at,
            outcome, refusal_code, document_refusal, passport_number, nationality, source,
            agent_id, application_id, company_id, season_id, visa_id, port_id)
        SELECT a.id, 'e' || a.id, 'entry', a.entered_at, a.entered_at, 'accepted', '', '',
            p.passport_number, p.nationality, 'gate', a.agent_id, a.id, a.company_id,
            a.season_id, a.id, CASE {port_case} END
        FROM (SELECT *, random() AS r_port FROM applications_application
              WHERE season_id = %(season)s AND entered_at IS NOT NULL) a
        JOIN applications_pilgrim p ON p.id = a.pilgrim_id
        """,
        """
        INSERT INTO border_crossing (id, client_event_id, direction, occurred_at, received_at,
            outcome, refusal_code, document_refusal, passport_number, nationality, source,
            agent_id, application_id, company_id, season_id, visa_id, port_id)
        SELECT %(n)s + c.id, 'x' || c.id, 'exit', a.departed_at, a.departed_at, 'accepted', '',
            '', c.passport_number, c.nationality, 'gate', c.agent_id, c.application_id,
            c.company_id, c.season_id, c.visa_id, c.port_id
        FROM border_crossing c JOIN applications_application a ON a.id = c.application_id
        WHERE c.direction = 'entry' AND a.departed_at IS NOT NULL
        """,
        """
        INSERT INTO border_stay (id, nationality, entered_at, permitted_departure, exited_at,
            days_stayed, overstay_days, agent_id, application_id, company_id, entry_crossing_id,
            entry_port_id, exit_crossing_id, exit_port_id, season_id, visa_id)
        SELECT c.id, c.nationality, c.occurred_at, (c.occurred_at + interval '90 days')::date,
            a.departed_at, NULL, NULL, c.agent_id, c.application_id, c.company_id, c.id,
            c.port_id, CASE WHEN a.departed_at IS NOT NULL THEN %(n)s + c.id END,
            CASE WHEN a.departed_at IS NOT NULL THEN c.port_id END, c.season_id, c.visa_id
        FROM border_crossing c JOIN applications_application a ON a.id = c.application_id
        WHERE c.direction = 'entry'
        """,
        """
        INSERT INTO border_overstay (id, nationality, permitted_departure, detected_on,
            detected_at, notice_due_at, status, agent_id, application_id, company_id, season_id,
            stay_id)
        SELECT id, nationality, permitted_departure, permitted_departure + 1,
            (permitted_departure + 1)::timestamptz, (permitted_departure + 2)::timestamptz,
            'open', agent_id, application_id, company_id, season_id, id
        FROM border_stay WHERE exited_at IS NULL AND id %% 100 = 0
        """,
        """
        INSERT INTO screening_screening (id, person_key, outcome, list_versions, hit_count,
            suppressed_count, started_at, completed_at, duration_ms, application_id)
        SELECT id, 'P' || id, 'referred', '{}'::jsonb, 1, 0, submitted_at, submitted_at, 5, id
        FROM applications_application WHERE season_id = %(season)s AND id %% 50 = 0
        """,
        """
        INSERT INTO screening_review (id, person_key, status, best_score, hit_count, opened_at,
            due_at, decision, reason, reason_code, decided_at, application_id, screening_id)
        SELECT id, person_key, 'cleared', 0.9, 1, started_at, started_at + interval '24 hours',
            'false_positive', '', '', started_at + (1 + random() * 35) * interval '1 hour', id, id
        FROM screening_screening WHERE id %% 50 = 0
        """,
        "SET session_replication_role = DEFAULT",
        "ANALYZE",
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            step = time.perf_counter()
            cursor.execute(sql, params)
            print(
                f"  {sql.split()[0]} {' '.join(sql.split()[1:3])}: {time.perf_counter() - step:.1f} s",
                file=sys.stderr,
            )
    return time.perf_counter() - started


BASELINE_QUERIES = [
    # The ministry dashboard's figures, straight from the recording tables.
    """SELECT count(submitted_at), count(*) FILTER (WHERE decided_at IS NOT NULL AND decided_automatically),
              count(*) FILTER (WHERE decided_at IS NOT NULL AND NOT decided_automatically), count(issued_at)
       FROM applications_application WHERE season_id = %(s)s""",
    """SELECT (submitted_at AT TIME ZONE 'Asia/Riyadh')::date, count(*) FROM applications_application
       WHERE season_id = %(s)s AND submitted_at IS NOT NULL GROUP BY 1""",
    """SELECT (decided_at AT TIME ZONE 'Asia/Riyadh')::date, decided_automatically, count(*)
       FROM applications_application WHERE season_id = %(s)s AND decided_at IS NOT NULL GROUP BY 1, 2""",
    """SELECT (issued_at AT TIME ZONE 'Asia/Riyadh')::date, count(*) FROM applications_application
       WHERE season_id = %(s)s AND issued_at IS NOT NULL GROUP BY 1""",
    """SELECT direction, (occurred_at AT TIME ZONE 'Asia/Riyadh')::date, count(*) FROM border_crossing
       WHERE season_id = %(s)s AND outcome = 'accepted' GROUP BY 1, 2""",
    """SELECT d, sum(n) OVER (ORDER BY d) FROM (
         SELECT d, sum(n) n FROM (
           SELECT (entered_at AT TIME ZONE 'Asia/Riyadh')::date d, count(*) n FROM border_stay WHERE season_id = %(s)s GROUP BY 1
           UNION ALL
           SELECT (exited_at AT TIME ZONE 'Asia/Riyadh')::date, -count(*) FROM border_stay WHERE season_id = %(s)s AND exited_at IS NOT NULL GROUP BY 1
         ) x GROUP BY d) y""",
    """SELECT detected_on, count(*) FROM border_overstay WHERE season_id = %(s)s GROUP BY 1""",
    """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY decided_at - submitted_at),
              percentile_cont(0.9) WITHIN GROUP (ORDER BY decided_at - submitted_at)
       FROM applications_application WHERE season_id = %(s)s AND decided_at IS NOT NULL""",
    """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY issued_at - submitted_at),
              percentile_cont(0.9) WITHIN GROUP (ORDER BY issued_at - submitted_at)
       FROM applications_application WHERE season_id = %(s)s AND issued_at IS NOT NULL""",
    """SELECT count(*), count(r.decided_at), count(*) FILTER (WHERE r.decided_at <= r.due_at),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY r.decided_at - r.opened_at),
              percentile_cont(0.9) WITHIN GROUP (ORDER BY r.decided_at - r.opened_at)
       FROM screening_review r JOIN applications_application a ON a.id = r.application_id
       WHERE a.season_id = %(s)s""",
    """SELECT p.port_type, c.direction, count(*) FROM border_crossing c JOIN border_port p ON p.id = c.port_id
       WHERE c.season_id = %(s)s AND c.outcome = 'accepted' GROUP BY 1, 2""",
    """SELECT p.code, c.direction, count(*) FROM border_crossing c JOIN border_port p ON p.id = c.port_id
       WHERE c.season_id = %(s)s AND c.outcome = 'accepted' GROUP BY 1, 2""",
    """SELECT p.city, count(*) FROM border_stay s JOIN border_port p ON p.id = s.entry_port_id
       WHERE s.season_id = %(s)s AND s.exited_at IS NULL GROUP BY 1""",
    """SELECT p.nationality, count(a.submitted_at), count(a.issued_at),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY a.issued_at - a.submitted_at)
       FROM applications_application a JOIN applications_pilgrim p ON p.id = a.pilgrim_id
       WHERE a.season_id = %(s)s GROUP BY 1""",
    """SELECT nationality, count(*) FROM border_crossing WHERE season_id = %(s)s AND direction = 'entry'
       AND outcome = 'accepted' GROUP BY 1""",
    """SELECT nationality, count(*) FROM border_overstay WHERE season_id = %(s)s GROUP BY 1""",
    """SELECT company_id, count(submitted_at), count(issued_at),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY issued_at - submitted_at)
       FROM applications_application WHERE season_id = %(s)s GROUP BY 1""",
    """SELECT company_id, count(*) FROM border_crossing WHERE season_id = %(s)s AND direction = 'entry'
       AND outcome = 'accepted' GROUP BY 1""",
    """SELECT company_id, count(*) FROM border_overstay WHERE season_id = %(s)s GROUP BY 1""",
    """SELECT agent_id, count(submitted_at), count(issued_at) FROM applications_application
       WHERE season_id = %(s)s GROUP BY 1""",
    """SELECT agent_id, count(*) FROM border_overstay WHERE season_id = %(s)s GROUP BY 1""",
]


def _baseline(season_id: int) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in BASELINE_QUERIES:
            cursor.execute(sql, {"s": season_id})
            cursor.fetchall()
    return time.perf_counter() - started


def _dashboard_seconds(world: dict[str, Any], kind: str, runs: int) -> list[float]:
    from masar.reporting import selectors

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        board = selectors.dashboard(actor=world["users"][kind], season=world["season"])
        assert board.tables
        times.append(time.perf_counter() - started)
    return times


def child(count: int) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "masar.settings.base"
    os.environ["MASAR_DEBUG"] = "0"
    os.environ.setdefault("MASAR_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from masar.reporting.models import DailyCount, DailyDuration
    from masar.reporting.services import indicators_refresh

    translation.activate("en")
    call_command("migrate", verbosity=0, interactive=False)
    world = _world()
    load_seconds = _load(world, count)
    started = time.perf_counter()
    indicators_refresh(season=world["season"])
    refresh_seconds = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reporting_dailycount")
        cursor.execute("ANALYZE reporting_dailyduration")
    dashboards = {}
    for kind in ("mohu", "mofa", "moi", "company"):
        _dashboard_seconds(world, kind, 1)  # warm the caches, as the baseline below
        dashboards[kind] = statistics.median(_dashboard_seconds(world, kind, 3))
    _baseline(world["season"].pk)
    baseline_seconds = statistics.median([_baseline(world["season"].pk) for _ in range(2)])
    # A partial refresh as the periodic job runs it (the three most recent days of data).
    last = DailyCount.objects.order_by("-day").values_list("day", flat=True).first()
    started = time.perf_counter()
    indicators_refresh(season=world["season"], since=last - dt.timedelta(days=2), until=last)
    recent_seconds = time.perf_counter() - started
    return {
        "count": count,
        "load_seconds": load_seconds,
        "refresh_seconds": refresh_seconds,
        "recent_refresh_seconds": recent_seconds,
        "aggregate_rows": DailyCount.objects.count() + DailyDuration.objects.count(),
        "dashboard_seconds": dashboards,
        "baseline_seconds": baseline_seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} applications")
    parser.add_argument("--count", type=int, help="applications (overrides --quick)")
    parser.add_argument("--database", default="masar_reporting_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.count or (QUICK if args.quick else FULL)
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        print(json.dumps(child(count)))
        return 0
    r = run_child(
        __file__,
        ["--count", str(count)],
        database=args.database,
        keep=args.keep,
        reuse_database_url=True,
    )
    slowest = max(r["dashboard_seconds"].values())
    summary = {
        "applications": count,
        "dashboard_seconds": {k: round(v, 3) for k, v in r["dashboard_seconds"].items()},
        "slowest_dashboard_seconds": round(slowest, 3),
        "target_seconds": 1.0,
        "meets_target": slowest < 1.0,
        "baseline_seconds": round(r["baseline_seconds"], 3),
        "ratio": round(r["baseline_seconds"] / r["dashboard_seconds"]["mohu"], 1),
        "load_seconds": round(r["load_seconds"], 1),
        "refresh_seconds": round(r["refresh_seconds"], 1),
        "recent_refresh_seconds": round(r["recent_refresh_seconds"], 2),
        "aggregate_rows": r["aggregate_rows"],
    }
    print(
        f"{count:,} applications: dashboards "
        + ", ".join(f"{k} {v:.3f} s" for k, v in r["dashboard_seconds"].items())
        + f" (target < 1 s); the same indicators from the raw tables {r['baseline_seconds']:.2f} s;"
        f" ratio {summary['ratio']}; load {r['load_seconds']:.0f} s, full refresh"
        f" {r['refresh_seconds']:.0f} s, 3-day refresh {r['recent_refresh_seconds']:.2f} s"
    )
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
