"""A real `masar worker` process stopped with SIGTERM, as a deploy stops it, on PostgreSQL
(the test database is shared with the subprocess)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.core.tasks import sleeper

REPO = Path(__file__).resolve().parents[2]
MASAR = Path(sys.executable).with_name("masar")

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[float], subprocess.Popen[bytes]]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masar.settings.test",
        "DATABASE_URL": _database_url(),
        "MASAR_SECRET_KEY": settings.SECRET_KEY,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    started: list[subprocess.Popen[bytes]] = []

    def start(grace: float) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [
                str(MASAR),
                "worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
                "--worker-id",
                "deploy-1",
                "--grace",
                str(grace),
            ],
            cwd=REPO,
            env=env,
            stdout=(tmp_path / "worker.log").open("wb"),
            stderr=subprocess.STDOUT,
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
