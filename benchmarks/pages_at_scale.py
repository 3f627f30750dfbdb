"""List pages and list endpoints of every role at a season's volume: p95 per page at 50,000
applications and at 5,000,000, in the same run.

Loads the demonstration season (`demo-seed`: its ministries, 20 companies, 60 agents and
their users), then adds a season's applications to 60 groups of the demo's operators with
set-based SQL (`INSERT ... SELECT` over `generate_series`, foreign-key triggers off): the
group of agent 1 with company 1 holds a tenth of them, the 59 others the rest. Each
application has its pilgrim (one of 40 surnames, a passport number of its own); 90 % are
issued or further, with an e-visa; 45 % of those entered (a crossing and a stay), 70 % of
those left (an exit crossing); 1 % of the open stays are overstays; 2 % were referred to a
security review (a tenth of those still pending); 1 % wait for the consular decision.

Every list page and list endpoint is then timed through Django's test client, signed in as
the demo user of each role (agent, company, foreign ministry, interior ministry, border
officer, ministry of Hajj and Umrah): page 1, a deep page (the 25,000th row on), each filter
and each search, `--runs` requests each after one to warm. The same pages are timed at
50,000 applications first, then the load grows to the full size and they are timed again.

    .venv/bin/python benchmarks/pages_at_scale.py [--quick] [--count N] [--runs N]

PostgreSQL: NAME (--database, masar_scale_bench) on 127.0.0.1:5432, created and dropped
(--keep keeps it). Target: no page above 300 ms at full size, and ratio >= 0.5, where
ratio = the slowest page's p95 at 50,000 / its p95 at full size. The last line printed is
`RESULT {json}`.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _postgres import run_child  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
FULL, QUICK, SMALL = 5_000_000, 200_000, 50_000
TARGET_MS = 300.0
BASE = 10_000_000  # ids of the loaded rows start above the demo's
DEEP_ROW = 25_000
SURNAMES = [
    "HASSAN", "RAHMAN", "SIDDIQUI", "WIJAYA", "SANTOSO", "HUSSAIN", "KHAN", "ABDULLAH",
    "IBRAHIM", "YILMAZ", "OKAFOR", "DIALLO", "MOHAMED", "AHMED", "ALI", "HALIM", "SAPUTRA",
    "NASUTION", "KARIMOV", "TASHKENTOV", "BENALI", "ELIDRISSI", "MANSOUR", "HADDAD", "OSMAN",
    "FARAH", "NDIAYE", "BALDE", "CHOWDHURY", "ISLAM", "MIAH", "QURESHI", "MALIK", "BUTT",
    "SULEIMAN", "MUSA", "YUSUF", "DEMIR", "KAYA", "CELIK",
]  # fmt: skip
GIVEN = ["MUHAMMAD", "SITI", "NUR", "AISHA", "FATIMA", "AHMAD", "OMAR", "ZAINAB", "YUSUF"]


def _world() -> dict[str, Any]:
    """The demo's operators, 60 groups of theirs in the current season, and the users."""
    from masar.accounts.models import User
    from masar.applications.models import Group
    from masar.operators.models import Agent, Contract
    from masar.seasons.models import Season

    season = Season.objects.get(code="umrah-1448")
    agents = list(Agent.objects.filter(organization__code__startswith="agent").order_by("pk"))
    agents.sort(key=lambda a: int(a.organization.code.removeprefix("agent")))
    groups = []
    for agent in agents:
        contract = Contract.objects.filter(agent=agent).order_by("company_id").first()
        assert contract is not None
        groups.append(
            Group.objects.create(
                agent=agent, company_id=contract.company_id, season=season, name="Season load"
            )
        )
    return {
        "season": season.pk,
        "groups": [g.pk for g in groups],
        "agents": [g.agent_id for g in groups],
        "companies": [g.company_id for g in groups],
        "countries": [a.country for a in agents],
        "users": {u.username: u for u in User.objects.all()},
    }


def _load(world: dict[str, Any], lo: int, hi: int) -> float:
    """Applications lo+1 .. hi (and everything that hangs from them), set-based."""
    from django.db import connection

    # g % 10 = 0: agent 1's group (a tenth); else one of the 59 others.
    group_of = "CASE WHEN g %% 10 = 0 THEN 1 ELSE 2 + (g %% 59) END"
    params = {
        "lo": lo,
        "hi": hi,
        "base": BASE,
        "groups": world["groups"],
        "agents": world["agents"],
        "companies": world["companies"],
        "countries": world["countries"],
        "surnames": SURNAMES,
        "given": GIVEN,
        "season": world["season"],
    }
    port = "(SELECT id FROM border_port ORDER BY id LIMIT 1)"
    statements = [
        "SET session_replication_role = replica",
        "SET synchronous_commit = off",
        f"""
        INSERT INTO applications_pilgrim (id, agent_id, surname, given_names, native_name, sex,
            birth_date, nationality, residence_country, passport_number, passport_issuing_state,
            passport_issue_date, passport_expiry_date, mrz, photo, vaccine_type, created_at)
        SELECT %(base)s + g, (%(agents)s::bigint[])[{group_of}],
            (%(surnames)s::text[])[1 + (g::bigint * 7919) %% 40], (%(given)s::text[])[1 + g %% 9], '',
            CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END, DATE '1980-01-01',
            (%(countries)s::text[])[{group_of}], (%(countries)s::text[])[{group_of}],
            'X' || lpad(g::text, 8, '0'), (%(countries)s::text[])[{group_of}],
            DATE '2020-01-01', DATE '2032-01-01', '', '', '', now()
        FROM generate_series(%(lo)s + 1, %(hi)s) g
        """,
        f"""
        INSERT INTO applications_application (id, number, status, quota_held, status_reason,
            created_at, updated_at, submitted_at, decided_at, decided_automatically, issued_at,
            entered_at, departed_at, agent_id, company_id, season_id, group_id, pilgrim_id)
        SELECT %(base)s + g, 'S' || g, st, false, '',
            t, t, CASE WHEN st <> 'draft' THEN t END,
            CASE WHEN st IN ('issued', 'entered', 'departed', 'rejected') THEN t END, true,
            CASE WHEN st IN ('issued', 'entered', 'departed') THEN t END,
            CASE WHEN st IN ('entered', 'departed') THEN t END,
            CASE WHEN st = 'departed' THEN t END,
            (%(agents)s::bigint[])[{group_of}], (%(companies)s::bigint[])[{group_of}],
            %(season)s, (%(groups)s::bigint[])[{group_of}], %(base)s + g
        FROM (
            SELECT g, now() - interval '200 days' + (g::float8 / 5e6) * interval '200 days' AS t,
                CASE WHEN r < 0.02 THEN 'draft' WHEN r < 0.03 THEN 'submitted'
                     WHEN r < 0.04 THEN 'decision' WHEN r < 0.05 THEN 'referred'
                     WHEN r < 0.10 THEN 'rejected' WHEN r < 0.595 THEN 'issued'
                     WHEN r < 0.73 THEN 'entered' ELSE 'departed' END AS st
            FROM (SELECT g, ((g * 2654435761::bigint) %% 1000003) / 1000003.0 AS r
                  FROM generate_series(%(lo)s + 1, %(hi)s) g) s
        ) a
        """,
        """
        INSERT INTO visas_visa (id, number, visa_type, status, entries, valid_from, valid_until,
            stay_days, mrz_line1, mrz_line2, seal, signer_identifier, certificate_reference,
            issued_at, cancel_reason_code, cancel_reason, agent_id, application_id, company_id,
            season_id)
        SELECT id, 'Z' || lpad((id - %(base)s)::text, 8, '0'), 'umrah', 'valid', 1,
            issued_at::date, issued_at::date + 90, 90, '', '', '\\x00'::bytea, 'BNCH', 'bench',
            issued_at, '', '', agent_id, id, company_id, season_id
        FROM applications_application
        WHERE id > %(base)s + %(lo)s AND id <= %(base)s + %(hi)s AND issued_at IS NOT NULL
        """,
        f"""
        INSERT INTO border_crossing (id, client_event_id, direction, occurred_at, received_at,
            outcome, refusal_code, document_refusal, passport_number, nationality, source,
            agent_id, application_id, company_id, season_id, visa_id, port_id)
        SELECT a.id, 'e' || a.id, 'entry', a.entered_at, a.entered_at, 'accepted', '', '',
            p.passport_number, p.nationality, 'gate', a.agent_id, a.id, a.company_id,
            a.season_id, a.id, {port}
        FROM applications_application a JOIN applications_pilgrim p ON p.id = a.pilgrim_id
        WHERE a.id > %(base)s + %(lo)s AND a.id <= %(base)s + %(hi)s
          AND a.entered_at IS NOT NULL
        """,
        """
        INSERT INTO border_crossing (id, client_event_id, direction, occurred_at, received_at,
            outcome, refusal_code, document_refusal, passport_number, nationality, source,
            agent_id, application_id, company_id, season_id, visa_id, port_id)
        SELECT c.id + 100000000, 'x' || c.id, 'exit', a.departed_at, a.departed_at, 'accepted',
            '', '', c.passport_number, c.nationality, 'gate', c.agent_id, c.application_id,
            c.company_id, c.season_id, c.visa_id, c.port_id
        FROM border_crossing c JOIN applications_application a ON a.id = c.application_id
        WHERE c.id > %(base)s + %(lo)s AND c.id <= %(base)s + %(hi)s
          AND c.direction = 'entry' AND a.departed_at IS NOT NULL
        """,
        """
        INSERT INTO border_stay (id, nationality, entered_at, permitted_departure, exited_at,
            days_stayed, overstay_days, agent_id, application_id, company_id, entry_crossing_id,
            entry_port_id, exit_crossing_id, exit_port_id, season_id, visa_id)
        SELECT c.id, c.nationality, c.occurred_at,
            (now() + ((c.id %% 40) - 5) * interval '1 day')::date, a.departed_at, NULL, NULL,
            c.agent_id, c.application_id, c.company_id, c.id, c.port_id,
            CASE WHEN a.departed_at IS NOT NULL THEN c.id + 100000000 END,
            CASE WHEN a.departed_at IS NOT NULL THEN c.port_id END, c.season_id, c.visa_id
        FROM border_crossing c JOIN applications_application a ON a.id = c.application_id
        WHERE c.id > %(base)s + %(lo)s AND c.id <= %(base)s + %(hi)s AND c.direction = 'entry'
        """,
        """
        INSERT INTO border_overstay (id, nationality, permitted_departure, detected_on,
            detected_at, notice_due_at, status, agent_id, application_id, company_id, season_id,
            stay_id)
        SELECT id, nationality, permitted_departure, permitted_departure + 1,
            (permitted_departure + 1)::timestamptz, (permitted_departure + 2)::timestamptz,
            'open', agent_id, application_id, company_id, season_id, id
        FROM border_stay
        WHERE id > %(base)s + %(lo)s AND id <= %(base)s + %(hi)s
          AND exited_at IS NULL AND id %% 100 = 0
        """,
        """
        INSERT INTO screening_screening (id, person_key, outcome, list_versions, hit_count,
            suppressed_count, started_at, completed_at, duration_ms, application_id)
        SELECT id, 'P' || id, 'referred', '{}'::jsonb, 1, 0, submitted_at, submitted_at, 5, id
        FROM applications_application
        WHERE id > %(base)s + %(lo)s AND id <= %(base)s + %(hi)s AND id %% 50 = 0
          AND submitted_at IS NOT NULL
        """,
        """
        INSERT INTO screening_review (id, person_key, status, best_score, hit_count, opened_at,
            due_at, decision, reason, reason_code, decided_at, application_id, screening_id)
        SELECT id, person_key, CASE WHEN id %% 500 = 0 THEN 'pending' ELSE 'cleared' END,
            0.5 + (id %% 50) / 100.0, 1, started_at, started_at + interval '24 hours',
            CASE WHEN id %% 500 = 0 THEN '' ELSE 'false_positive' END, '', '',
            CASE WHEN id %% 500 = 0 THEN NULL ELSE started_at + interval '3 hours' END, id, id
        FROM screening_screening WHERE id > %(base)s + %(lo)s AND id <= %(base)s + %(hi)s
        """,
        "SET session_replication_role = DEFAULT",
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            step = time.perf_counter()
            cursor.execute(sql, params)
            head = " ".join(sql.split()[:3])
            print(f"  {head}: {time.perf_counter() - step:.1f} s", file=sys.stderr)
        step = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE: {time.perf_counter() - step:.1f} s", file=sys.stderr)
    return time.perf_counter() - started


def _deep(world: dict[str, Any], username: str, kind: str) -> dict[str, str]:
    """The query string of the page that starts at the 25,000th row of a list: a cursor with
    keyset pagination (computed here, untimed, as a reader following `next` would hold
    it), page 500 of 50 with page numbers (the code before keyset pagination)."""
    keyset = importlib.util.find_spec("masar.core.pagination") is not None
    if not keyset:
        return {"page": "500"}
    from masar.applications import selectors as app_selectors
    from masar.border import lists
    from masar.core.pagination import encode_cursor
    from masar.visas import selectors as visa_selectors

    actor = world["users"][username]
    if kind == "applications":
        rows = app_selectors.application_list(actor=actor).values_list("id")
    elif kind == "visas":
        rows = visa_selectors.visa_list(actor).values_list("id")
    else:
        rows = lists.in_country(actor=actor).values_list("entered_at", "id")
    try:
        row = rows[DEEP_ROW]
    except IndexError:  # a shorter list: its middle
        row = rows[rows.count() // 2]
    return {"cursor": encode_cursor(list(row), backwards=False)}


def _pages(world: dict[str, Any]) -> list[tuple[str, str, str, dict[str, str]]]:
    """(label, username, path, query) of every list page and list endpoint timed."""
    from masar.applications.models import Application, Pilgrim

    group1 = world["groups"][0]
    agent1 = world["agents"][0]
    company1 = world["companies"][0]
    passport_of_agent1 = Pilgrim.objects.filter(agent_id=agent1).values_list(
        "passport_number", flat=True
    )[7]
    passport_of_company1 = (
        Application.objects.filter(company_id=company1, status="issued")
        .values_list("pilgrim__passport_number", flat=True)
        .first()
    )
    any_passport = Pilgrim.objects.order_by("-id").values_list("passport_number", flat=True)[1234]
    number = Application.objects.order_by("-id").values_list("number", flat=True)[4321]
    pages: list[tuple[str, str, str, dict[str, str]]] = []
    roles = {
        "agent": "agent1.staff",
        "company": "company1.staff",
        "mofa": "mofa.visa",
        "moi": "moi.security",
        "border": "border.jed",
        "mohu": "hajj.licensing",
    }
    for role, user in roles.items():
        passport = {"agent": passport_of_agent1, "company": passport_of_company1}.get(
            role, any_passport
        )
        pages += [
            (f"{role} groups", user, "/groups/", {}),
            (f"{role} api groups", user, "/api/v1/groups/", {}),
            (f"{role} applications", user, "/applications/", {}),
            (f"{role} applications deep", user, "/applications/", _deep(world, user, "applications")),
            (f"{role} applications status", user, "/applications/", {"status": "issued"}),
            (f"{role} applications passport", user, "/applications/", {"q": passport or ""}),
            (f"{role} api applications", user, "/api/v1/applications/", {}),
            (f"{role} api applications status", user, "/api/v1/applications/", {"status": "entered"}),
            (f"{role} api applications passport", user, "/api/v1/applications/", {"passport_number": passport or ""}),
            (f"{role} api visas", user, "/api/v1/visas/", {}),
            (f"{role} api visas deep", user, "/api/v1/visas/", _deep(world, user, "visas")),
        ]  # fmt: skip
        if role in ("agent", "company", "mofa"):
            pages.append((f"{role} group page", user, f"/groups/{group1}/", {}))
        if role in ("mofa", "moi", "border"):
            pages.append((f"{role} applications number", user, "/applications/", {"q": number}))
        if role in ("company", "moi", "border", "mohu"):
            pages += [
                (f"{role} in-country", user, "/border/in-country/", {}),
                (f"{role} in-country deep", user, "/border/in-country/", _deep(world, user, "stays")),
                (f"{role} in-country nationality", user, "/border/in-country/", {"nationality": world["countries"][3]}),
                (f"{role} due to leave", user, "/border/due/", {"days": "7"}),
                (f"{role} overstays", user, "/border/overstays/", {}),
                (f"{role} api overstays", user, "/api/v1/overstays/", {}),
            ]  # fmt: skip
    pages += [
        ("mofa consular queue", "mofa.visa", "/visas/decisions/", {}),
        ("mofa consular queue nationality", "mofa.visa", "/visas/decisions/", {"nationality": world["countries"][3]}),
        ("mofa api consular queue", "mofa.visa", "/api/v1/visas/decisions/", {}),
        ("moi screening queue", "moi.security", "/screening/", {}),
        ("moi screening all", "moi.security", "/screening/", {"status": "all"}),
        ("moi api reviews", "moi.security", "/api/v1/screening/reviews/", {}),
        ("mofa applications name", "mofa.visa", "/applications/", {"q": "siddiq"}),
        ("agent applications name", "agent1.staff", "/applications/", {"q": "WIJAYA"}),
        ("mohu audit", "hajj.licensing", "/audit/", {}),
        ("mohu companies", "hajj.licensing", "/companies/", {}),
        ("mohu agents", "hajj.licensing", "/agents/", {}),
        ("mohu api violations", "hajj.inspector", "/api/v1/violations/", {}),
        ("mohu api audit", "hajj.licensing", "/api/v1/audit/", {}),
        ("company api audit", "company1.staff", "/api/v1/audit/", {}),
    ]  # fmt: skip
    return pages


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _time_pages(world: dict[str, Any], runs: int) -> dict[str, float]:
    from django.test import Client

    clients: dict[str, Client] = {}
    results: dict[str, float] = {}
    for label, username, path, query in _pages(world):
        if username not in clients:
            clients[username] = Client(HTTP_ACCEPT_LANGUAGE="en")
            clients[username].force_login(world["users"][username])
        client = clients[username]
        try:
            first = client.get(path, query)
        except Exception as exc:  # noqa: BLE001 - a page that fails is reported, not timed
            print(f"  {label}: {exc!r}, left out", file=sys.stderr)
            continue
        if first.status_code != 200:
            print(f"  {label}: HTTP {first.status_code}, left out", file=sys.stderr)
            continue
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path, query)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (label, response.status_code)
        results[label] = _p95(times) * 1000
        print(f"  {label}: p95 {results[label]:.1f} ms", file=sys.stderr)
    return results


def child(count: int, runs: int) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "masar.settings.base"
    os.environ["MASAR_DEBUG"] = "0"
    os.environ.setdefault("MASAR_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    import masar
    from masar.border.models import Port
    from masar.core.context import Origin, origin_scope
    from masar.demo import seed as demo

    print(f"  code: {Path(masar.__file__).parent}", file=sys.stderr)
    translation.activate("en")
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    # The demo's organizations, users and roles, seasons and contracts; not its sample
    # applications, screening lists and visas (minutes of signing and indexing, and rows
    # that the load below outnumbers a thousand times).
    demo.DEMO_STEP_MODULES = []
    with origin_scope(Origin(channel="cli", extra={"command": "demo-seed"})):
        demo.demo_seed(seed=1447, stdout=io.StringIO())
    Port.objects.create(code="JED", name_en="Jeddah", name_ar="جدة", port_type="air", city="Jeddah")
    print(f"  demo: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    world = _world()
    small = min(SMALL, count)
    load = {"small": _load(world, 0, small)}
    at_small = _time_pages(world, runs)
    load["full"] = _load(world, small, count)
    at_full = _time_pages(world, runs)
    return {"small": small, "load_seconds": load, "at_small": at_small, "at_full": at_full}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} applications")
    parser.add_argument("--count", type=int, help="applications (overrides --quick)")
    parser.add_argument("--runs", type=int, default=20, help="requests per page (20)")
    parser.add_argument("--database", default="masar_scale_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.count or (QUICK if args.quick else FULL)
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        print(json.dumps(child(count, args.runs)))
        return 0
    r = run_child(
        __file__,
        ["--count", str(count), "--runs", str(args.runs)],
        database=args.database,
        keep=args.keep,
    )
    small, full = r["at_small"], r["at_full"]
    labels = [label for label in full if label in small]
    print(
        f"{'page':<40} {'p95 at ' + format(r['small'], ','):>16} {'p95 at ' + format(count, ','):>18}"
    )
    for label in sorted(labels, key=lambda x: -full[x]):
        print(f"{label:<40} {small[label]:>13.1f} ms {full[label]:>15.1f} ms")
    slowest = max(labels, key=lambda x: full[x])
    top5 = sorted(labels, key=lambda x: -full[x])[:5]
    summary = {
        "applications": count,
        "small": r["small"],
        "pages": len(labels),
        "slowest_page": slowest,
        "slowest_p95_ms_small": round(small[slowest], 1),
        "slowest_p95_ms_full": round(full[slowest], 1),
        "ratio": round(small[slowest] / full[slowest], 3),
        "target_ms": TARGET_MS,
        "meets_target": full[slowest] <= TARGET_MS and small[slowest] / full[slowest] >= 0.5,
        "five_slowest_full_ms": {label: round(full[label], 1) for label in top5},
        "pages_over_target": sum(1 for label in labels if full[label] > TARGET_MS),
        "median_page_ratio": round(
            statistics.median(small[label] / full[label] for label in labels), 3
        ),
        "load_seconds": {k: round(v, 1) for k, v in r["load_seconds"].items()},
        "runs": args.runs,
    }
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
