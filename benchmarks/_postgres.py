"""What the PostgreSQL benchmarks share: a scratch database of their own and a child process.

Each benchmark measures in a child process of itself (`--child`), so that Django is set up
once against the benchmark's database, with its own var directory (secret key, signing keys)
that is removed afterwards. The child prints its figures as JSON on its last line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PG_HOST = "postgres://postgres@127.0.0.1:5432/"


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c", sql],
        check=True,
        capture_output=True,
    )


def run_child(
    script: str,
    child_args: list[str],
    *,
    database: str,
    keep: bool = False,
    reuse_database_url: bool = False,
    keys_dir: bool = False,
) -> dict[str, Any]:
    """Run `script --child *child_args` against a fresh database named `database` (dropped
    afterwards unless `keep`), or against DATABASE_URL when `reuse_database_url` and it names
    a PostgreSQL database; return the JSON of the child's last line."""
    env = dict(os.environ)
    tmp = tempfile.mkdtemp(prefix=f"masar-bench-{Path(script).stem}-")
    env["MASAR_VAR_DIR"] = tmp
    if keys_dir:
        env["MASAR_KEYS_DIR"] = str(Path(tmp) / "keys")
    created = not (reuse_database_url and "postgres" in env.get("DATABASE_URL", ""))
    if created:
        psql(f"DROP DATABASE IF EXISTS {database}")
        psql(f"CREATE DATABASE {database}")
        env["DATABASE_URL"] = PG_HOST + database
    try:
        process = subprocess.run(
            [sys.executable, script, "--child", *child_args],
            env=env,
            check=False,
            stdout=subprocess.PIPE,
            text=True,
        )
        if process.returncode != 0:
            raise SystemExit(process.returncode)
        return json.loads(process.stdout.strip().splitlines()[-1])
    finally:
        if created and not keep:
            psql(f"DROP DATABASE IF EXISTS {database}")
        shutil.rmtree(tmp, ignore_errors=True)


class CpuClock:
    """CPU seconds spent by this process and by its PostgreSQL backend (the server process
    serving Django's connection, read from /proc: the server runs on this machine). Wall
    time alone hides how much of a run is the database working while Python waits."""

    def __init__(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self._stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self._tick = os.sysconf("SC_CLK_TCK")

    def backend(self) -> float:
        # Fields 14 and 15 (utime, stime), counted after the command name's closing paren.
        fields = self._stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self._tick

    def now(self) -> tuple[float, float]:
        """(this process, its backend) in CPU seconds."""
        return time.process_time(), self.backend()
