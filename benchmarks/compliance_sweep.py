"""The compliance sweep on PostgreSQL against a bare INSERT ... SELECT of the same violations.

Loads the border benchmark's world (`benchmarks/overstay_sweep.py`: issued visas, entries,
exits, stays, COPY-loaded) at 1/10 of its size with 200,000 // 10 = 20,000 overstayers, runs
the border's overstay sweep, then, in the same run, past the escape-notice deadline (so each
overstayer is an `overstay` and an `unreported_overstay` violation: 40,000 violations):

- baseline: one bare `INSERT INTO compliance_violation ... SELECT ... FROM border_overstay`
  of the same 40,000 rows (no fines, events, audit, notices, ladder), rolled back, best of
  three;
- Masar: `violations_raise_automatic()`: candidates by anti-join, bulk insert of the
  violations, their fines (company and agent: 80,000 invoices), 120,000 outbox events,
  one audit entry and one notice per company, the company's ladder recomputed;
- a second run (idempotent: nothing new).

The ratio is baseline time / Masar time (higher is better).

    .venv/bin/python benchmarks/compliance_sweep.py [--quick] [--database NAME]

`--quick` is 1/100 of the border world (2,000 overstayers). The database (default
masar_compliance_bench on 127.0.0.1:5432) is created and dropped. Last line: `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from _postgres import run_child  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
OVERSTAYERS = 200_000
FULL_SCALE, QUICK_SCALE = 10, 100

BASELINE_SQL = """
INSERT INTO compliance_violation (number, season_id, company_id, agent_id, violation_type,
    source, status, overstay_ref, application_ref, nationality, occurred_on, description,
    fine_sar, points, agent_charged, raised_at, batch)
SELECT 'B' || t.n || '-' || o.id, o.season_id, o.company_id, o.agent_id, t.kind,
    'automatic', 'open', o.id, o.application_id, o.nationality, o.detected_on, '',
    25000, 10, true, now(), 'baseline'
FROM border_overstay o CROSS JOIN (VALUES ('overstay', 1), ('unreported_overstay', 2)) AS t(kind, n)
"""


class _Rollback(Exception):
    pass


def child(scale: int, overstayers: int) -> dict:
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

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import overstay_sweep as border_bench  # the border benchmark's loader
    from masar.border.services import overstay_sweep
    from masar.compliance.models import Invoice, Violation
    from masar.compliance.services import rules_for, violations_raise_automatic
    from masar.core.dates import riyadh_today

    call_command("migrate", verbosity=0, interactive=False)
    world = border_bench._world()
    sizes = border_bench._load(world, scale, overstayers, 1)  # all fell due yesterday
    detected = overstay_sweep(as_of=riyadh_today()).detected
    rules_for(world["season"])
    later = timezone.now() + dt.timedelta(days=2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE border_overstay")
    timings = []
    for _ in range(3):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(BASELINE_SQL)
                inserted = cursor.rowcount
                timings.append(time.perf_counter() - started)
                raise _Rollback
        except _Rollback:
            pass
    baseline_seconds = min(timings)
    with override_settings(MASAR_OUTBOX_RELAY_ON_COMMIT=False):
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            first = profile.runcall(violations_raise_automatic, now=later)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        else:
            first = violations_raise_automatic(now=later)
        masar_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = violations_raise_automatic(now=later)
        again_seconds = time.perf_counter() - started
    assert inserted == 2 * detected == first.raised, (inserted, detected, first.raised)
    assert second.raised == 0
    return {
        **sizes,
        "overstayers": detected,
        "violations": Violation.objects.count(),
        "invoices": Invoice.objects.count(),
        "baseline_seconds": baseline_seconds,
        "masar_seconds": masar_seconds,
        "second_seconds": again_seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/100 of the border world")
    parser.add_argument("--database", default="masar_compliance_bench")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale = args.scale or (QUICK_SCALE if args.quick else FULL_SCALE)
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        print(json.dumps(child(scale, OVERSTAYERS)))
        return 0
    r = run_child(__file__, ["--scale", str(scale)], database=args.database)
    summary = {
        "visas": r["visas"],
        "entries": r["entries"],
        "overstayers": r["overstayers"],
        "violations": r["violations"],
        "invoices": r["invoices"],
        "baseline_seconds": round(r["baseline_seconds"], 3),
        "masar_seconds": round(r["masar_seconds"], 3),
        "second_seconds": round(r["second_seconds"], 3),
        "ratio": round(r["baseline_seconds"] / r["masar_seconds"], 3),
    }
    print(
        f"{r['overstayers']} overstayers of {r['entries']} entries: bare INSERT of "
        f"{r['violations']} violations {summary['baseline_seconds']} s; Masar "
        f"{summary['masar_seconds']} s ({r['violations']} violations, {r['invoices']} fines, "
        f"events, notices, ladder); second run {summary['second_seconds']} s (0 new); "
        f"ratio {summary['ratio']}"
    )
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
