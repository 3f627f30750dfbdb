"""Manifest import, end to end, against a baseline of plain storage.

Generates a manifest of 100,000 pilgrims (CSV, valid passport MRZs, 1 % of rows with a
mistake) and imports it as the background task does: stream the file, clean every row,
validate its MRZ, run every eligibility rule, store the drafts and the rejected rows in
committed chunks. The baseline, measured in the same run on the same database, inserts
the very same rows, already parsed, into the same tables with one bulk insert per table
in one transaction. The ratio is baseline time / Masar time (1.0: validation costs
nothing; target at least 0.5: checking costs at most as much as storing).

    .venv/bin/python benchmarks/manifest_import.py [--database sqlite|postgres|both] [--quick]

SQLite uses a temporary file; PostgreSQL the database masar_bench_manifest on
127.0.0.1:5432 (created and dropped), or DATABASE_URL when it is set. The last line
printed is `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/masar_bench_manifest"
FULL_ROWS, QUICK_ROWS = 100_000, 5_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _manifest(rows: int, today: dt.date) -> bytes:
    from masar.applications.manifest_format import COLUMNS
    from masar.documents import generate_td3

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    given = ["Siti Nur", "Ahmad", "Budi", "Dewi", "Nur Aini", "Agus"]
    surnames = ["Rahman", "Hidayat", "Saputra", "Setiawan", "Nasution", "Siregar"]
    for index in range(rows):
        number = f"B{index:08d}"
        sex = "F" if index % 2 else "M"
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=index % 20000)
        expiry = today + dt.timedelta(days=900 + index % 2000)
        names = (surnames[index % 6], given[index % 5])
        line1, line2 = generate_td3(
            issuing_state="IDN",
            surname=names[0],
            given_names=names[1],
            document_number=number,
            nationality="IDN",
            birth_date=birth,
            sex=sex,
            expiry_date=expiry,
        )
        vaccine = (today - dt.timedelta(days=30 + index % 600)).isoformat()
        if index % 100 == 7:
            vaccine = ""  # 1 % of rows: no vaccination recorded
        values = {
            "surname": names[0],
            "given_names": names[1],
            "native_name": "",
            "sex": sex,
            "birth_date": birth.isoformat(),
            "nationality": "IDN",
            "residence_country": "IDN",
            "passport_number": number,
            "passport_issuing_state": "IDN",
            "passport_issue_date": (expiry - dt.timedelta(days=3652)).isoformat(),
            "passport_expiry_date": expiry.isoformat(),
            "mrz_line1": line1,
            "mrz_line2": line2,
            "vaccine_type": "conjugate",
            "vaccine_date": vaccine,
        }
        writer.writerow([values[c.key] for c in COLUMNS])
    return out.getvalue().encode()


def _world(suffix: str):  # type: ignore[no-untyped-def]
    """A licensed company, an agent under contract, a season open today, quotas."""
    from django.utils import timezone

    from masar.accounts.models import Membership, Organization, User
    from masar.applications.models import Group
    from masar.core.dates import riyadh_today
    from masar.operators.models import Agent, Company, Contract
    from masar.seasons.models import Quota, Season, SeasonRules

    today = riyadh_today()
    season = Season.objects.filter(code="bench").first()
    if season is None:
        season = Season.objects.create(
            code="bench",
            kind="umrah",
            hijri_year=1448,
            name_en="Benchmark season",
            name_ar="موسم القياس",
            starts_on=today - dt.timedelta(days=60),
            contracts_due=today - dt.timedelta(days=50),
            visas_from=today - dt.timedelta(days=30),
            last_agent_approval=today + dt.timedelta(days=60),
            last_visa_date=today + dt.timedelta(days=90),
            last_entry_date=today + dt.timedelta(days=100),
            last_exit_date=today + dt.timedelta(days=130),
            ends_on=today + dt.timedelta(days=160),
        )
        SeasonRules.objects.create(season=season)
    company_org = Organization.objects.create(
        kind="company", code=f"bench-company-{suffix}", name_en="Bench Co", name_ar="شركة"
    )
    company = Company.objects.create(
        organization=company_org,
        licence_number=f"UMR-B-{suffix}",
        licence_valid_from=today - dt.timedelta(days=365),
        licence_valid_until=today + dt.timedelta(days=365),
        guarantee_amount=Decimal("2000000"),
        guarantee_valid_until=today + dt.timedelta(days=365),
    )
    agent_org = Organization.objects.create(
        kind="agent", code=f"bench-agent-{suffix}", name_en="Bench Agent", name_ar="وكيل"
    )
    agent = Agent.objects.create(
        organization=agent_org,
        country="IDN",
        licence_number=f"IDN-B-{suffix}",
        licence_valid_until=today + dt.timedelta(days=365),
    )
    Contract.objects.create(
        company=company,
        agent=agent,
        countries=["IDN"],
        valid_from=season.starts_on,
        valid_until=season.ends_on,
        registered_at=timezone.now(),
    )
    Quota.objects.create(season=season, holder_type="company", company=company, limit=10**6)
    Quota.objects.create(season=season, holder_type="agent", agent=agent, limit=10**6)
    user = User.objects.create(username=f"bench-{suffix}", organization=agent_org)
    Membership.objects.create(user=user, role="agent_staff")
    group = Group.objects.create(
        agent=agent,
        company=company,
        season=season,
        name="Benchmark group",
        hotel_contract_number="HC-1",
        makkah_nights=8,
        madinah_nights=4,
        ground_transport="Coach",
        arrival_flight="GA 980",
        arrival_port="JED",
        arrival_date=today + dt.timedelta(days=20),
        departure_flight="GA 981",
        departure_port="MED",
        departure_date=today + dt.timedelta(days=32),
    )
    return user, group


def _baseline(content: bytes, user, group) -> float:  # type: ignore[no-untyped-def]
    """Store the same rows, parsed beforehand, with one bulk insert per table."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from masar.applications.manifest_format import ManifestReader
    from masar.applications.models import Application, ManifestJob, ManifestRejection, Pilgrim
    from masar.applications.pilgrim_input import pilgrim_input_clean
    from masar.applications.services import manifest_job_create
    from masar.applications.services.pilgrims import application_number
    from masar.core.dates import riyadh_today

    job = manifest_job_create(
        actor=user,
        group=group,
        upload=SimpleUploadedFile("baseline.csv", content),
        enqueue=False,
    )
    today, now = riyadh_today(), timezone.now()
    pilgrims, numbers, rejections = [], [], []
    for number, raw in ManifestReader(io.BytesIO(content), "csv"):
        data, failures = pilgrim_input_clean(raw, today=today)
        if data is None or not raw.get("vaccine_date"):
            rejections.append(
                ManifestRejection(job=job, row_number=number, reasons=[{"code": "x"}])
            )
            continue
        pilgrims.append(Pilgrim(agent_id=group.agent_id, created_at=now, **data.model_values()))
        numbers.append(number)
    started = time.perf_counter()
    with transaction.atomic():
        Pilgrim.objects.bulk_create(pilgrims)
        Application.objects.bulk_create(
            [
                Application(
                    number=application_number(),
                    group_id=group.pk,
                    pilgrim=pilgrim,
                    agent_id=group.agent_id,
                    company_id=group.company_id,
                    season_id=group.season_id,
                    manifest_job_id=job.pk,
                    manifest_row=row,
                    created_by_id=user.pk,
                    created_at=now,
                    updated_at=now,
                )
                for row, pilgrim in zip(numbers, pilgrims, strict=True)
            ]
        )
        ManifestRejection.objects.bulk_create(rejections)
    elapsed = time.perf_counter() - started
    ManifestJob.objects.filter(pk=job.pk).update(status="completed")
    return elapsed


def _masar(content: bytes, user, group) -> tuple[float, dict]:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from masar.applications.services import manifest_job_create, manifest_job_run

    started = time.perf_counter()
    job = manifest_job_create(
        actor=user, group=group, upload=SimpleUploadedFile("manifest.csv", content), enqueue=False
    )
    job = manifest_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    assert job.status == "completed", job.error
    return elapsed, {
        "total_rows": job.total_rows,
        "accepted_rows": job.accepted_rows,
        "rejected_rows": job.rejected_rows,
    }


def child(database: str, rows: int, phase: str) -> dict:
    """One database, one phase (`baseline` first, then `masar`, each in its own process so
    that each peak RSS is its own), against the database the parent prepared."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "masar.settings.base"
    os.environ["MASAR_DEBUG"] = "0"  # as a production worker runs (no query log)
    os.environ.setdefault("MASAR_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from masar.core.dates import riyadh_today

    if phase == "baseline":
        call_command("migrate", verbosity=0, interactive=False)
    # Load what a running worker has loaded already: module imports are not import work.
    import masar.applications.services  # noqa: F401
    import masar.applications.tasks  # noqa: F401

    content = _manifest(rows, riyadh_today())
    user, group = _world(phase)
    if phase == "baseline":
        return {"seconds": _baseline(content, user, group), "peak_rss_mb": _peak_rss_mb()}
    seconds, counts = _masar(content, user, group)
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), **counts}


def _run_child(database: str, rows: int, phase: str, env: dict[str, str]) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            phase,
            "--database",
            database,
            "--rows",
            str(rows),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(database: str, rows: int, env: dict[str, str]) -> dict:
    baseline = _run_child(database, rows, "baseline", env)
    masar = _run_child(database, rows, "masar", env)
    return {
        "database": database,
        "rows": rows,
        "masar_seconds": round(masar["seconds"], 3),
        "baseline_seconds": round(baseline["seconds"], 3),
        "rows_per_second": round(rows / masar["seconds"]),
        "baseline_rows_per_second": round(rows / baseline["seconds"]),
        "ratio": round(baseline["seconds"] / masar["seconds"], 3),
        "peak_rss_mb": round(masar["peak_rss_mb"], 1),
        "baseline_peak_rss_mb": round(baseline["peak_rss_mb"], 1),
        "total_rows": masar["total_rows"],
        "accepted_rows": masar["accepted_rows"],
        "rejected_rows": masar["rejected_rows"],
    }


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c", sql],
        check=True,
        capture_output=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS} rows")
    parser.add_argument("--rows", type=int, help="rows to import (overrides --quick)")
    parser.add_argument("--child", choices=["baseline", "masar"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows = args.rows or (QUICK_ROWS if args.quick else FULL_ROWS)
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        print(json.dumps(child(args.database, rows, args.child)))
        return 0
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results: dict[str, dict] = {}
    for database in databases:
        env = dict(os.environ)
        tmp = tempfile.mkdtemp(prefix="masar-bench-")
        env["MASAR_VAR_DIR"] = tmp
        created = False
        if database == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        elif "postgres" not in env.get("DATABASE_URL", ""):
            _psql("DROP DATABASE IF EXISTS masar_bench_manifest")
            _psql("CREATE DATABASE masar_bench_manifest")
            env["DATABASE_URL"] = PG_URL
            created = True
        try:
            result = measure(database, rows, env)
        finally:
            if created:
                _psql("DROP DATABASE IF EXISTS masar_bench_manifest")
            shutil.rmtree(tmp, ignore_errors=True)
        results[database] = result
        print(
            f"{database}: {rows} rows in {result['masar_seconds']} s = "
            f"{result['rows_per_second']} rows/s (accepted {result['accepted_rows']}, rejected "
            f"{result['rejected_rows']}), peak RSS {result['peak_rss_mb']} MB; baseline bulk "
            f"insert {result['baseline_seconds']} s = {result['baseline_rows_per_second']} "
            f"rows/s; ratio {result['ratio']}"
        )
    summary = {
        "rows": rows,
        **{
            db: {
                "rows_per_second": r["rows_per_second"],
                "baseline_rows_per_second": r["baseline_rows_per_second"],
                "ratio": r["ratio"],
                "peak_rss_mb": r["peak_rss_mb"],
            }
            for db, r in results.items()
        },
        "ratio": min(r["ratio"] for r in results.values()),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results.values()),
    }
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
