"""E-visa issuance, end to end, against a baseline of signing alone.

Prepares 10,000 approved applications (one season, one company, one agent, one group) and
issues their e-visas with the group job (`issuance_job_run`): per committed chunk of
`issuance.CHUNK` applications, lock them, allocate numbers, build each MRZ and seal, write
the visas, move every application to `issued` with its log, one audit entry and the events
(set-based: COPY on PostgreSQL; docs/adr/0062-visa-issuance-benchmark.md). The baseline, measured in the same run with
the same signer, signs the very same 10,000 seals (features built beforehand) and nothing
else. The ratio is baseline time / Masar time (target at least 0.5). Seal verification
per second (signature checked against the published certificates) is printed too.

The floor (ADR 0095), a third group of the same size: the least any issuance must do, timed
the same way: read the applications, build each MRZ and seal, store the visas, commit;
no status change, log, audit or event (`ratio_floor`). The CPU seconds of this process and
of its PostgreSQL server process are read for the floor and both issuance runs
(`cpu_seconds`); baseline time / Python's CPU time is the most a run's ratio could be in
one process, were the server's work wholly overlapped (`ratio_bound_floor`,
`ratio_bound_relay_deferred`).

    .venv/bin/python benchmarks/visa_issuance.py [--quick] [--count N] [--database NAME]

PostgreSQL: DATABASE_URL when it names PostgreSQL (an empty database), else NAME
(masar_bench_visas) on 127.0.0.1:5432, created and dropped. A second group of the same size
is issued with the outbox relay deferred (MASAR_OUTBOX_RELAY_ON_COMMIT off), for comparison.
The last line printed is `RESULT {json}`.
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
from _postgres import CpuClock, run_child  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
FULL, QUICK = 10_000, 1_000


def _world(count: int, groups: int = 2) -> list[tuple[int, list[int]]]:
    """Approved applications in `groups` groups of `count`, written directly (the state
    under test is `approved`); returns each group's id and application ids."""
    from django.utils import timezone

    from masar.applications.models import Application, Group, Pilgrim
    from masar.core.dates import riyadh_today
    from masar.documents import generate_td3

    today = riyadh_today()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    season, company, agent = bench_operators(code="bench-1448")
    group_ids = [
        Group.objects.create(agent=agent, company=company, season=season, name=f"bench {n}").pk
        for n in range(groups)
    ]
    now = timezone.now()
    pilgrims = []
    for index in range(count * groups):
        number = f"B{index:08d}"
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=index % 20000)
        expiry = day(900)
        mrz = generate_td3(
            issuing_state="IDN",
            surname="Rahman",
            given_names="Siti Nur",
            document_number=number,
            nationality="IDN",
            birth_date=birth,
            sex="F",
            expiry_date=expiry,
        )
        pilgrims.append(
            Pilgrim(
                agent=agent,
                surname="Rahman",
                given_names="Siti Nur",
                sex="F",
                birth_date=birth,
                nationality="IDN",
                residence_country="IDN",
                passport_number=number,
                passport_issuing_state="IDN",
                passport_issue_date=day(-700),
                passport_expiry_date=expiry,
                mrz="\n".join(mrz),
            )
        )
    Pilgrim.objects.bulk_create(pilgrims, batch_size=2000)
    pilgrims = list(Pilgrim.objects.filter(agent=agent).order_by("pk"))
    Application.objects.bulk_create(
        [
            Application(
                number=f"BENCH{index:011d}",
                group_id=group_ids[index // count],
                pilgrim=p,
                agent=agent,
                company=company,
                season=season,
                status="approved",
                active_passport=f"IDN:{p.passport_number}",
                submitted_at=now,
                decided_at=now,
            )
            for index, p in enumerate(pilgrims)
        ],
        batch_size=2000,
    )
    return [
        (
            group_id,
            list(
                Application.objects.filter(group_id=group_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
        )
        for group_id in group_ids
    ]


def _baseline(ids: list[int]) -> tuple[float, list[bytes]]:
    """Sign the same seals with the same signer, features built beforehand."""
    from masar.applications.models import Application
    from masar.seasons.models import SeasonRules
    from masar.visas.keys import settings_key_store
    from masar.visas.seal import StayDuration, kingdom_today, seal_build
    from masar.visas.seal.profile import VisaFeatures
    from masar.visas.services.issuance import _build, visa_number_format

    signer = settings_key_store().current_signer()
    today = kingdom_today()
    from django.utils import timezone

    rules: dict[int, SeasonRules] = {}
    apps = Application.objects.select_related("pilgrim", "season").filter(pk__in=ids).order_by("pk")
    features = []
    for serial, app in enumerate(apps, start=90_000_000):
        visa = _build(app, visa_number_format(serial), signer, today, timezone.now(), rules)
        features.append(
            VisaFeatures(
                mrz=visa.mrz,
                passport_number=app.pilgrim.passport_number,
                duration_of_stay=StayDuration(days=visa.stay_days),
                number_of_entries=visa.entries,
                visa_number=visa.number,
                valid_from=visa.valid_from,
                valid_until=visa.valid_until,
                visa_type=1,
            )
        )
    started = time.perf_counter()
    seals = [seal_build(f, signer=signer, issued_on=today, signed_on=today) for f in features]
    return time.perf_counter() - started, seals


def _floor(ids: list[int]) -> float:
    """The least any issuance must do, timed as issuance is: read the applications, then
    issuance's own `_visas_store` (each visa's number, MRZ and seal, one COPY streamed while
    signing) and commit. No status change, no log, no audit, no event. Its applications stay
    `approved` (a group of their own, issued by nobody else)."""
    from django.db import transaction

    from masar.applications.models import Application
    from masar.visas.services import issuance

    started = time.perf_counter()
    for start in range(0, len(ids), issuance.CHUNK):
        with transaction.atomic():
            rows = [
                issuance._Row._make(r)
                for r in Application.objects.filter(pk__in=ids[start : start + issuance.CHUNK])
                .order_by("pk")
                .values_list(*issuance._ROW_FIELDS)
            ]
            issuance._visas_store(rows)
    return time.perf_counter() - started


def _masar(group_id: int, count: int) -> float:
    """The group job, as a visa officer starts it: every chunk committed when it returns."""
    from masar.visas.models import IssuanceJob
    from masar.visas.services import issuance_job_run

    job = IssuanceJob.objects.create(group_id=group_id, total=count)
    started = time.perf_counter()
    job = issuance_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    assert (job.status, job.issued) == ("done", count), (job.status, job.issued)
    return seconds


def _verify(seals: list[bytes]) -> float:
    from masar.visas.keys import settings_key_store
    from masar.visas.seal import seal_verify

    trust = settings_key_store().trust_store()
    started = time.perf_counter()
    for seal in seals:
        assert seal_verify(seal, trust=trust).verdict == "valid"
    return time.perf_counter() - started


def child(count: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "masar.settings.base"
    os.environ["MASAR_DEBUG"] = "0"
    os.environ.setdefault("MASAR_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from masar.visas.keys import settings_key_store
    from masar.visas.models import Visa

    call_command("migrate", verbosity=0, interactive=False)
    settings_key_store().init()
    from django.test import override_settings

    (group_id, ids), (deferred_group_id, _deferred_ids), (_floor_group, floor_ids) = _world(
        count, groups=3
    )
    clock = CpuClock()
    cpu: dict[str, float] = {}

    def measured(name: str, run, *args):  # type: ignore[no-untyped-def]
        python, server = clock.now()
        result = run(*args)
        python_after, server_after = clock.now()
        cpu[f"{name}_python_cpu"] = python_after - python
        cpu[f"{name}_server_cpu"] = server_after - server
        return result

    baseline_seconds, seals = measured("baseline", _baseline, ids)
    floor_seconds = measured("floor", _floor, floor_ids)
    masar_seconds = measured("masar", _masar, group_id, count)
    # The same work with the outbox relay deferred to its own process (a production mode
    # of the integration app: MASAR_OUTBOX_RELAY_ON_COMMIT off).
    with override_settings(MASAR_OUTBOX_RELAY_ON_COMMIT=False):
        deferred_seconds = measured("deferred", _masar, deferred_group_id, count)
    issued = Visa.objects.exclude(application_id__in=floor_ids).count()
    assert issued == 2 * count, issued
    stored = [
        bytes(s)
        for s in Visa.objects.exclude(application_id__in=floor_ids).values_list("seal", flat=True)
    ]
    verify_seconds = _verify(stored)
    return {
        "count": count,
        "issued": issued,
        "masar_seconds": masar_seconds,
        "deferred_seconds": deferred_seconds,
        "floor_seconds": floor_seconds,
        **cpu,
        "baseline_seconds": baseline_seconds,
        "verify_seconds": verify_seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK} visas")
    parser.add_argument("--count", type=int, help="visas to issue (overrides --quick)")
    parser.add_argument(
        "--database",
        default="masar_bench_visas",
        help="PostgreSQL database to create and drop (when DATABASE_URL names none)",
    )
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
        reuse_database_url=True,
        keys_dir=True,
    )
    summary = {
        "count": count,
        "visas_per_second": round(count / r["masar_seconds"], 1),
        "baseline_seals_per_second": round(count / r["baseline_seconds"], 1),
        "ratio": round(r["baseline_seconds"] / r["masar_seconds"], 3),
        "verifications_per_second": round(2 * count / r["verify_seconds"], 1),
        "visas_per_second_relay_deferred": round(count / r["deferred_seconds"], 1),
        "ratio_relay_deferred": round(r["baseline_seconds"] / r["deferred_seconds"], 3),
        # The least any issuance must do (MRZ, seal, store the visa, commit): an upper
        # bound of the ratio whatever the rest costs (ADR 0095).
        "floor_visas_per_second": round(count / r["floor_seconds"], 1),
        "ratio_floor": round(r["baseline_seconds"] / r["floor_seconds"], 3),
        # CPU seconds of this process (Python) and of its database server process, per run.
        # Python's share is the least time a run can take in one process, were the server's
        # work wholly overlapped with it: baseline / that is the most its ratio could be.
        "cpu_seconds": {
            run: {
                "python": round(r[f"{run}_python_cpu"], 3),
                "server": round(r[f"{run}_server_cpu"], 3),
            }
            for run in ("floor", "masar", "deferred")
        },
        "ratio_bound_floor": round(r["baseline_seconds"] / r["floor_python_cpu"], 3),
        "ratio_bound_relay_deferred": round(r["baseline_seconds"] / r["deferred_python_cpu"], 3),
    }
    print(
        f"issued {count} e-visas in {r['masar_seconds']:.2f} s = {summary['visas_per_second']} "
        f"visas/s; signing the same seals alone {r['baseline_seconds']:.2f} s = "
        f"{summary['baseline_seals_per_second']} seals/s; ratio {summary['ratio']} "
        f"(target >= 0.5); with the outbox relay deferred "
        f"{summary['visas_per_second_relay_deferred']} visas/s, ratio "
        f"{summary['ratio_relay_deferred']}; the floor (MRZ, seal, store, commit: nothing "
        f"else) {summary['floor_visas_per_second']} visas/s, ratio {summary['ratio_floor']} "
        f"(at most {summary['ratio_bound_floor']} with the database wholly overlapped: its "
        f"Python CPU time; issuance with the relay deferred at most "
        f"{summary['ratio_bound_relay_deferred']}); "
        f"verification "
        f"{summary['verifications_per_second']} seals/s"
    )
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
