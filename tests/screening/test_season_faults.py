"""A peak day's faults in miniature, on PostgreSQL with real `masar worker` processes (the
season rehearsal, benchmarks/season_day.py, runs them at full size): a worker SIGKILLed while
it screens, its database connections cut, and the tick's resume. At the end every
application was screened exactly once and none is left waiting."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from masar.applications.models import Application, ApplicationTransition
from masar.screening.models import Screening
from masar.screening.services import applications_screening_resume
from tests.screening.factories import make_watchlist
from tests.worker_processes import worker_env, worker_start

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    env = worker_env()
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        process = worker_start(
            env, tmp_path / f"{name}.log", "--queue-name", "default", "--worker-id", name
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait(condition: Callable[[], Any], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _screened() -> int:
    return Screening.objects.count()


def test_a_killed_worker_and_a_lost_database_connection_lose_and_repeat_nothing(
    in_screening: Any, start_worker: Callable[[str], subprocess.Popen[bytes]]
) -> None:
    # given 30 applications approved by their company: 30 screening tasks queued
    make_watchlist([{"id": "X-1", "name": "Ivan Petrov", "birth_date": "1960"}])
    apps = [
        in_screening(surname="Hidayat", given_names=f"Ahmad {chr(65 + n % 26)}{chr(65 + n // 26)}")
        for n in range(30)
    ]
    assert DBTaskResult.objects.filter(status="READY").count() >= 30
    # when a worker is SIGKILLed once it has screened a few
    first = start_worker("first")
    _wait(lambda: _screened() >= 3, "the first screenings")
    first.send_signal(signal.SIGKILL)
    first.wait()
    # and a second worker starts, whose database connections are then cut under it
    second = start_worker("second")
    _wait(lambda: _screened() >= 10, "more screenings")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    # and the tick's resume runs (every task row left RUNNING by the killed worker is dead)
    _wait(
        lambda: (
            not Application.objects.filter(status="screening")
            .exclude(pk__in=_running_ids())
            .exists()
        ),
        "the queue drained but for the killed worker's task",
    )
    applications_screening_resume(stale_after=dt.timedelta(0))
    _wait(lambda: not Application.objects.filter(status="screening").exists(), "every screening")
    # then every application was screened exactly once, and the second worker lives on
    assert second.poll() is None
    per_app = Counter(Screening.objects.values_list("application_id", flat=True))
    assert per_app == Counter({app.pk: 1 for app in apps})
    cleared = Counter(
        ApplicationTransition.objects.filter(name="screen_clear").values_list(
            "application_id", flat=True
        )
    )
    assert cleared == Counter({app.pk: 1 for app in apps})
    # (the second worker lives on: it may already have issued the visa of a cleared one)
    assert set(Application.objects.values_list("status", flat=True)) <= {"approved", "issued"}


def _running_ids() -> list[int]:
    return [
        int(pk)
        for pk in DBTaskResult.objects.filter(status="RUNNING").values_list(
            "args_kwargs__kwargs__application_id", flat=True
        )
        if pk is not None
    ]
