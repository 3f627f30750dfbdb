"""`masar worker` on SIGTERM: it finishes its current task within the grace period, or hands
it back to the queue; no task is left marked running. And a task runs under the id of the
request that queued it."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from masar.core.context import Origin, origin_scope
from masar.core.middleware import RequestOriginMiddleware
from masar.core.taskqueue import GracefulWorker
from masar.integration.models import OutboxEvent
from masar.integration.services import event_emit
from tests.core.tasks import quick_task, request_id_task, stopped_while_running

pytestmark = pytest.mark.django_db(transaction=True)

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGALRM)


@pytest.fixture
def run_worker() -> Iterator[Any]:
    """`run_worker(worker_id, grace)` runs a worker in this process until it stops."""
    saved = {signum: signal.getsignal(signum) for signum in SIGNALS}

    def run(worker_id: str, grace: float = 5.0, batch: bool = False) -> GracefulWorker:
        worker = GracefulWorker(
            grace_seconds=grace,
            queue_names=["*"],
            interval=0,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for signum, handler in saved.items():
                signal.signal(signum, handler)
        return worker

    yield run
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_sigterm_lets_the_current_task_finish_then_stops(run_worker: Any) -> None:
    first = stopped_while_running.enqueue(seconds=0.05)
    waiting = quick_task.enqueue()

    worker = run_worker("w1", grace=5.0)

    done = DBTaskResult.objects.get(pk=first.id)
    assert (done.status, done.return_value, done.worker_ids) == ("SUCCESSFUL", "finished", ["w1"])
    untouched = DBTaskResult.objects.get(pk=waiting.id)
    assert (untouched.status, untouched.started_at, untouched.worker_ids) == ("READY", None, [])
    assert worker.handed_back == []
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


def test_a_task_still_running_after_the_grace_period_is_handed_back(run_worker: Any) -> None:
    result = stopped_while_running.enqueue(seconds=30)

    worker = run_worker("w1", grace=0.2)

    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.started_at, row.worker_ids) == ("READY", None, ["w1"])
    assert worker.handed_back == [str(row.pk)]
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()

    # The next worker runs it again from the start (here: quickly).
    DBTaskResult.objects.filter(pk=row.pk).update(
        args_kwargs={"args": [], "kwargs": {"seconds": 0}}
    )
    run_worker("w2", grace=5.0)
    row.refresh_from_db()
    assert (row.status, row.return_value, row.worker_ids) == (
        "SUCCESSFUL",
        "finished",
        ["w1", "w2"],
    )


def test_a_task_runs_under_the_id_of_the_request_that_queued_it(run_worker: Any) -> None:
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["task"] = request_id_task.enqueue().id
        with transaction.atomic():
            seen["event"] = event_emit(
                type="company.suspended",
                subject=("operators.company", "1"),
                payload={"company_id": 1, "reason": "r"},
            ).pk
        return HttpResponse("ok")

    request = RequestFactory().get("/anything", HTTP_X_REQUEST_ID="req-2026-0042")
    response = RequestOriginMiddleware(view)(request)
    assert response["X-Request-ID"] == "req-2026-0042"
    with origin_scope(Origin(channel="cli")):
        unrelated = request_id_task.enqueue().id

    run_worker("w1", batch=True)

    assert DBTaskResult.objects.get(pk=seen["task"]).return_value == "req-2026-0042"
    assert DBTaskResult.objects.get(pk=unrelated).return_value == ""
    assert OutboxEvent.objects.get(pk=seen["event"]).request_id == "req-2026-0042"


@pytest.mark.parametrize(
    ("given", "kept"),
    [("abc-123", True), ("x" * 65, False), ("two words", False), ("a\nforged log line", False)],
)
def test_a_request_id_is_kept_only_when_it_is_a_plain_token(given: str, kept: bool) -> None:
    request = RequestFactory().get("/anything", HTTP_X_REQUEST_ID=given)
    response = RequestOriginMiddleware(lambda r: HttpResponse("ok"))(request)
    returned = response["X-Request-ID"]
    if kept:
        assert returned == given
    else:
        assert returned != given and len(returned) == 32 and returned.isalnum()
