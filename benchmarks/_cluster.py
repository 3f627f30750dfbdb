"""A PostgreSQL cluster of a benchmark's own, and the processes a benchmark starts.

`OwnCluster` runs `initdb` in a temporary directory and serves it on a free loopback port, so
a benchmark may kill and restart its database (`restart_immediate`) without touching the
machine's shared server. initdb refuses to run as root: as root the cluster belongs to the
`postgres` system user (`runuser`). The cluster is stopped and its directory removed by
`close()`, which the benchmark calls in `finally` and from its signal handlers.

`ProcessTree` reads the CPU seconds and peak memory of a process and its live children from
/proc (gunicorn's workers, PostgreSQL's backends), with the children its root has reaped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("MASAR_PG_BIN", "/usr/lib/postgresql/15/bin"))
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnCluster:
    """initdb + pg_ctl in a temporary directory, on 127.0.0.1:<free port>, trust auth."""

    def __init__(self, *, prefix: str = "masar-season-pg-") -> None:
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, user="postgres")
        self.started = False

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._as_user, *args], check=check, capture_output=True, text=True, timeout=300
        )

    def start(self) -> None:
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                "-c max_connections=200",
                "-c shared_buffers=256MB",
                "-c fsync=on",
                "-c synchronous_commit=on",
            ]
        )
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "start")  # fmt: skip
        self.started = True

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/masar"

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-At",
                "-q",
                "-c",
                sql,
            ],  # fmt: skip
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def restart_immediate(self) -> float:
        """`pg_ctl restart -m immediate`: every backend dies without a checkpoint, the server
        recovers from its WAL. Returns the seconds it took."""
        started = time.monotonic()
        # -l as at start: the new postmaster must not inherit this call's output pipes.
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m",
                  "immediate", "-w", "restart")  # fmt: skip
        return time.monotonic() - started

    def close(self) -> None:
        if self.started:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop",
                      check=False)  # fmt: skip
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return []
    return [int(c) for c in text.split()]


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


class ProcessTree:
    """CPU seconds and peak resident memory of a process and its descendants."""

    def __init__(self, name: str, pid_of: object) -> None:
        self.name = name
        # A callable: a restarted process (a worker, the database) is found anew each time.
        self._pid_of = pid_of
        self.peak_mb = 0.0
        self._dead_cpu = 0.0  # CPU of earlier incarnations (a killed worker)
        self._root: int | None = None
        self._root_total = 0.0
        self._lock = threading.Lock()

    @property
    def dead_cpu(self) -> float:
        return self._dead_cpu

    def pids(self) -> list[int]:
        root = self._pid_of()  # type: ignore[operator]
        if not root:
            return []
        found, todo = [], [root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(_children(pid))
        return found

    def sample(self) -> float:
        """Total CPU seconds so far (also records peak memory of each live process). The
        root's own count includes the children it has reaped (`cutime`, `cstime`: the
        postmaster's backends, gunicorn's replaced workers); a root that died (a killed
        worker) keeps the CPU it had at its last sample."""
        with self._lock:
            return self._sample()

    def _sample(self) -> float:
        pids = self.pids()
        total = 0.0
        for pid in pids:
            fields = _stat(pid)
            if fields is None:
                continue
            # utime, stime, cutime, cstime: fields 14 to 17, counted after the name's paren.
            last = 15 if pid == pids[0] else 13
            total += sum(int(f) for f in fields[11:last]) / TICK
            self.peak_mb = max(self.peak_mb, _hwm_mb(pid))
        root = pids[0] if pids else None
        if root != self._root:
            self._dead_cpu += self._root_total
            self._root = root
        self._root_total = total
        return self._dead_cpu + total
