#!/usr/bin/env python3
"""The restore drill: back up a Masar database, restore it into a fresh one, and check it.

    python tools/restore_drill.py --source-url postgres://... --keys /backup/keys [--seals 5]

1. Opens a read-only REPEATABLE READ transaction on the source, exports its snapshot and
   counts the rows of every table in it; `pg_dump --format=custom --snapshot=...` then
   dumps exactly that state, so the counts compare even while the source is being written.
2. Creates the target database (`<source>_restore` unless --target-name) and restores the
   dump into it with `pg_restore --exit-on-error --no-owner`.
3. Checks the restored copy: the same row count in every table; `masar audit verify`
   (the hash chain is intact); the seals of the most recent valid visas verify offline
   against the certificates of the backed-up keys directory (`masar visa keys export`,
   `masar visa verify`), and are byte for byte the source's.
4. Prints a JSON report, drops the target (unless --keep) and exits 0 only if every check
   passed. How long each step took is in the report: the restore's share is the recovery
   time objective's floor.

Run it after every change to the backup set-up and at least monthly on a copy of the
production backup (docs/operations.md, "Backups and the restore drill").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

MASAR = Path(sys.executable).with_name("masar")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _row_counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603


def _recent_valid_seals(url: str, limit: int) -> list[tuple[str, bytes]]:
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT number, seal FROM visas_visa"
            " WHERE status = 'valid' AND revoked_at IS NULL AND valid_until >= CURRENT_DATE"
            " ORDER BY id DESC LIMIT %s",
            [limit],
        )
        return [(number, bytes(seal)) for number, seal in cursor.fetchall()]


def drill(
    *,
    source_url: str,
    target_name: str,
    keys_dir: Path,
    seals: int,
    workdir: Path,
    keep: bool,
) -> dict[str, Any]:
    report: dict[str, Any] = {"source": _database_name(source_url), "target": target_name}
    timings: dict[str, float] = {}
    dump = workdir / "masar.dump"
    started = time.monotonic()

    # 1. A consistent snapshot: counted, then dumped.
    with psycopg.connect(source_url, autocommit=True) as source:
        source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = source.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        with source.cursor() as cursor:
            source_counts = _row_counts(cursor)
        dumped = _run(
            [
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                f"--dbname={source_url}",
            ]
        )
        source.execute("COMMIT")
    if dumped.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {dumped.stderr.strip()}")
    timings["backup_seconds"] = round(time.monotonic() - started, 2)
    report["dump_bytes"] = dump.stat().st_size

    # 2. A fresh database, restored from the dump.
    started = time.monotonic()
    admin_url = _with_database(source_url, "postgres")
    target_url = _with_database(source_url, target_name)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target_name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target_name)))
    try:
        restored = _run(
            ["pg_restore", "--exit-on-error", "--no-owner", f"--dbname={target_url}", str(dump)]
        )
        if restored.returncode != 0:
            raise RuntimeError(f"pg_restore failed: {restored.stderr.strip()}")
        timings["restore_seconds"] = round(time.monotonic() - started, 2)

        # 3a. The same rows.
        with psycopg.connect(target_url) as target, target.cursor() as cursor:
            target_counts = _row_counts(cursor)
        mismatches = {
            table: {"source": source_counts.get(table), "restored": target_counts.get(table)}
            for table in sorted(set(source_counts) | set(target_counts))
            if source_counts.get(table) != target_counts.get(table)
        }
        report["tables"] = {
            "compared": len(source_counts),
            "rows": sum(source_counts.values()),
            "mismatches": mismatches,
            "ok": not mismatches,
        }

        # 3b. The audit chain, recomputed on the restored copy.
        started = time.monotonic()
        env = {**os.environ, "DATABASE_URL": target_url}
        audit = _run([str(MASAR), "audit", "verify"], env=env)
        lines = (audit.stdout + audit.stderr).strip().splitlines()
        report["audit"] = {
            "ok": audit.returncode == 0,
            "output": [line for line in lines if not line.startswith("warning:")][-1:],
            # e.g. no signed checkpoint in this environment: said, not a failure of the drill
            "warnings": [line for line in lines if line.startswith("warning:")],
        }
        timings["audit_verify_seconds"] = round(time.monotonic() - started, 2)

        # 3c. Seals of recent visas, verified offline with the backed-up keys.
        report["seals"] = _check_seals(source_url, target_url, keys_dir, seals, workdir)
    finally:
        if not keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target_name))
                )
    report["timings"] = timings
    report["ok"] = report["tables"]["ok"] and report["audit"]["ok"] and report["seals"]["ok"]
    return report


def _check_seals(
    source_url: str, target_url: str, keys_dir: Path, limit: int, workdir: Path
) -> dict[str, Any]:
    certs = workdir / "certs"
    exported = _run([str(MASAR), "visa", "keys", "export", "--dir", str(keys_dir), str(certs)])
    if exported.returncode != 0:
        return {"ok": False, "checked": 0, "error": exported.stderr.strip()}
    restored = _recent_valid_seals(target_url, limit)
    original = dict(_recent_valid_seals(source_url, limit))
    failures = []
    for number, seal in restored:
        path = workdir / f"{number}.seal"
        path.write_bytes(seal)
        verified = _run([str(MASAR), "visa", "verify", "--certs", str(certs), str(path)])
        verdict = json.loads(verified.stdout or "{}").get("verdict")
        if verified.returncode != 0 or original.get(number) != seal:
            failures.append(
                {"visa": number, "verdict": verdict, "same_bytes": original.get(number) == seal}
            )
    return {
        "ok": bool(restored) and not failures,
        "checked": len(restored),
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--target-name", help="default: <source database>_restore")
    parser.add_argument(
        "--keys",
        type=Path,
        default=Path(os.environ.get("MASAR_KEYS_DIR", "var/keys")),
        help="the backed-up visa keys directory (default: MASAR_KEYS_DIR)",
    )
    parser.add_argument("--seals", type=int, default=5, help="recent visas whose seal to verify")
    parser.add_argument("--workdir", type=Path, help="where the dump goes (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    args = parser.parse_args(argv)
    if not args.source_url.startswith(("postgres://", "postgresql://")):
        parser.error("--source-url (or DATABASE_URL) must name a PostgreSQL database")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="masar-drill-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        report = drill(
            source_url=args.source_url,
            target_name=args.target_name or f"{_database_name(args.source_url)}_restore",
            keys_dir=args.keys,
            seals=args.seals,
            workdir=workdir,
            keep=args.keep,
        )
    except RuntimeError as exc:
        report = {"ok": False, "error": str(exc)}
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
