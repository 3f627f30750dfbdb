"""Screening queued again when its task was lost or its worker was killed mid-task (a
worker's SIGKILL leaves the task row `RUNNING` for good): `screening.resume`, run by the
tick, screens it once, and leaves alone what still waits in the queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masar.applications.models import Application
from masar.core.audit import audit_verify
from masar.core.models import AuditEntry
from masar.core.schedule import schedule_tick
from masar.screening.models import Screening
from masar.screening.services import applications_screening_resume
from masar.screening.services.screening import SCREEN_TASK
from masar.screening.tasks import screen_application
from tests.screening.factories import make_watchlist

pytestmark = pytest.mark.django_db

TEN_MINUTES = dt.timedelta(minutes=10)


def _approved_ago(app: Application, minutes: int) -> None:
    Application.objects.filter(pk=app.pk).update(
        company_decided_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def _task_rows(app: Application) -> Any:
    return DBTaskResult.objects.filter(
        task_path=SCREEN_TASK, args_kwargs__kwargs__application_id=app.pk
    )


def _run_ready(app: Application) -> None:
    """What a live worker does with the READY row: run it, mark it done."""
    row = _task_rows(app).get(status="READY")
    screen_application.call(**row.args_kwargs["kwargs"])
    _task_rows(app).filter(pk=row.pk).update(status="SUCCESSFUL")


def test_an_application_whose_worker_was_killed_is_screened_once(in_screening):
    # given an application whose screening task a worker took 30 minutes ago, then died
    make_watchlist([{"id": "X-1", "name": "Ivan Petrov", "birth_date": "1960"}])
    app = in_screening(surname="Hidayat", given_names="Ahmad")
    screen_application.enqueue(application_id=app.pk)
    _task_rows(app).update(status="RUNNING", started_at=timezone.now() - dt.timedelta(minutes=30))
    _approved_ago(app, 31)
    # when the resume runs
    assert applications_screening_resume(stale_after=TEN_MINUTES) == [app.pk]
    # then one new task waits for it, and running it screens the application once
    assert _task_rows(app).filter(status="READY").count() == 1
    _run_ready(app)
    app.refresh_from_db()
    assert app.status == "approved"
    assert Screening.objects.filter(application=app).count() == 1
    # and nothing is left to resume; the audit trail says what was queued again
    assert applications_screening_resume(stale_after=TEN_MINUTES) == []
    entry = AuditEntry.objects.get(action="screening.resumed")
    assert entry.details == {"application_ids": [app.pk], "count": 1}
    assert audit_verify().ok


def test_a_lost_task_is_queued_again(in_screening):
    # given an application approved 20 minutes ago whose task never reached the queue
    app = in_screening(surname="Hidayat", given_names="Ahmad")
    _approved_ago(app, 20)
    assert not _task_rows(app).exists()
    assert applications_screening_resume(stale_after=TEN_MINUTES) == [app.pk]
    assert _task_rows(app).filter(status="READY").count() == 1


def test_what_still_waits_or_runs_is_left_alone(in_screening):
    # given three applications in screening: one waiting in a long queue, one whose task
    # started a minute ago, one approved a minute ago
    waiting = in_screening(surname="Hidayat", given_names="Ahmad")
    running = in_screening(surname="Saputra", given_names="Budi")
    recent = in_screening(surname="Setiawan", given_names="Agus")
    screen_application.enqueue(application_id=waiting.pk)
    screen_application.enqueue(application_id=running.pk)
    _task_rows(running).update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(minutes=1)
    )
    _approved_ago(waiting, 45)
    _approved_ago(running, 45)
    _approved_ago(recent, 1)
    # then none is queued again, and no task row was added
    before = DBTaskResult.objects.count()
    assert applications_screening_resume(stale_after=TEN_MINUTES) == []
    assert DBTaskResult.objects.count() == before
    assert not AuditEntry.objects.filter(action="screening.resumed").exists()


def test_the_tick_resumes_with_the_configured_window(in_screening, settings):
    # given a deployment whose stale window is 20 seconds
    settings.MASAR_SCREENING_STALE_SECONDS = 20
    app = in_screening(surname="Hidayat", given_names="Ahmad")
    Application.objects.filter(pk=app.pk).update(
        company_decided_at=timezone.now() - dt.timedelta(seconds=30)
    )
    # when the tick runs the job
    assert schedule_tick(only={"screening.resume"}) == {"screening.resume": {"resumed": 1}}
    assert _task_rows(app).filter(status="READY").count() == 1
