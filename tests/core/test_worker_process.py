"""A real `masar worker` process stopped with SIGTERM, as a deploy stops it, on PostgreSQL
(the test database is shared with the subprocess)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.core.tasks import sleeper
from tests.worker_processes import worker_env, worker_start

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[float], subprocess.Popen[bytes]]]:
    env = worker_env()
    started: list[subprocess.Popen[bytes]] = []

    def start(grace: float) -> subprocess.Popen[bytes]:
        process = worker_start(
            env, tmp_path / "worker.log", "--worker-id", "deploy-1", "--grace", str(grace)
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait_running(task_id: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the worker died"
        if DBTaskResult.objects.filter(pk=task_id, status="RUNNING").exists():
            return
        time.sleep(0.05)
    raise AssertionError("the worker never started the task")


@pytest.mark.parametrize(
    ("seconds", "grace", "status", "workers"),
    [(1.0, 20.0, "SUCCESSFUL", ["deploy-1"]), (60.0, 1.0, "READY", ["deploy-1"])],
    ids=["finished-within-grace", "handed-back-after-grace"],
)
def test_sigterm_never_leaves_a_task_marked_running(
    start_worker: Callable[[float], subprocess.Popen[bytes]],
    seconds: float,
    grace: float,
    status: str,
    workers: list[str],
) -> None:
    result = sleeper.enqueue(seconds=seconds)
    process = start_worker(grace)
    _wait_running(result.id, process)

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.worker_ids) == (status, workers)
    assert row.return_value == ("slept" if status == "SUCCESSFUL" else None)
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


def _terminate_other_backends() -> int:
    """What a database restart does to a worker: every other session of the test database is
    cut (its next statement fails: the connection is closed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def _wait_status(task_id: str, status: str, process: subprocess.Popen[bytes]) -> DBTaskResult:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the worker died"
        row = DBTaskResult.objects.get(pk=task_id)
        if row.status == status:
            return row
        time.sleep(0.1)
    raise AssertionError(f"the task never became {status}")


def test_a_worker_outlives_its_database_connections_being_cut(
    start_worker: Callable[[float], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    # given a worker running a task
    result = sleeper.enqueue(seconds=1.5)
    process = start_worker(20.0)
    _wait_running(result.id, process)
    # when its database connection is cut under the task (a restart, a failover)
    assert _terminate_other_backends() >= 1
    # then the task is handed back, run again and finished; the worker is still alive
    row = _wait_status(result.id, "SUCCESSFUL", process)
    assert row.return_value == "slept"
    assert "its database connection was lost" in (tmp_path / "worker.log").read_text()
    # and cut again while it is idle, it goes on claiming new work
    _terminate_other_backends()
    later = sleeper.enqueue(seconds=0.1)
    assert _wait_status(later.id, "SUCCESSFUL", process).return_value == "slept"
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
