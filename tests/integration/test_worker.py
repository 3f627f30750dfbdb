"""Workers in separate processes sharing one PostgreSQL queue: `masar worker` subprocesses
against the test database, one of them killed with SIGKILL in the middle of a delivery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masar.integration.models import DeliveryStatus, WebhookDelivery
from masar.integration.services import event_emit
from masar.integration.services.delivery import CLAIM_BATCH
from tests.integration.conftest import subscribe
from tests.worker_processes import worker_env, worker_start

pytestmark = [
    pytest.mark.usefixtures("synthetic_payloads"),
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    env = worker_env("tests.integration.worker_settings")
    workers: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        process = worker_start(
            env, tmp_path / f"{name}.log", "--queue-name", "integration", "--worker-id", name
        )
        workers.append(process)
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in workers:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _stop(processes: Any) -> None:
    """Stop workers gracefully: each finishes the task it is running, then exits."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=30)


def _wait(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_workers_share_the_queue_and_a_killed_one_loses_nothing(
    receiver, start_worker, company, company_system, moi_gate, mofa_system, settings
):
    settings.MASAR_WEBHOOK_REQUEUE_GRACE_SECONDS = 0
    # Given three subscribers and 30 events each of them may see: 90 deliveries.
    for account, path in ((company_system, "/company"), (moi_gate, "/moi"), (mofa_system, "/mofa")):
        subscribe(account, receiver.url(path))
    receiver.delay = 0.02
    receiver.hold_at = 20  # the 20th request hangs until the test lets it go
    for n in range(30):
        with transaction.atomic():
            event_emit(
                type="company.suspended",
                subject=("operators.company", f"c{n}"),
                payload={"company_id": n, "reason": "r", "until": None},
                organizations=[company.organization],
            )
    deliveries = {d.webhook_id: d.pk for d in WebhookDelivery.objects.all()}
    assert len(deliveries) == 90

    # When two workers run and the one sending the 20th request is killed mid-delivery,
    workers = {"worker-a": start_worker("worker-a"), "worker-b": start_worker("worker-b")}
    assert receiver.held.wait(timeout=60), "no request reached the receiver"
    in_flight_id = receiver.requests[19].webhook_id
    in_flight = WebhookDelivery.objects.get(pk=deliveries[in_flight_id])
    pid = int(in_flight.locked_by.rsplit(":", 1)[1])
    victim = next(name for name, p in workers.items() if p.pid == pid)
    os.kill(pid, signal.SIGKILL)
    workers[victim].wait(timeout=10)
    # What the killed worker held: its claimed batch, sent or not, with no outcome recorded
    # (a dispatch records a batch's successes together).
    held = {
        d.webhook_id
        for d in WebhookDelivery.objects.filter(
            locked_by=in_flight.locked_by, status=DeliveryStatus.PENDING
        )
    }
    receiver.release.set()

    # and is restarted, and the tick finds the delivery whose lease ran out,
    workers[f"{victim}-restarted"] = start_worker(f"{victim}-restarted")
    _wait(
        lambda: WebhookDelivery.objects.get(pk=in_flight.pk).locked_until < timezone.now(),
        timeout=30,
        what="the killed worker's lease to run out",
    )
    call_command("integration", "tick", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    # then every delivery arrives; only what the killed worker held may arrive twice (the
    # interrupted one does), each with its one id, never more than twice.
    _wait(
        lambda: not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists(),
        timeout=90,
        what="every delivery to be delivered",
    )
    counts = Counter(receiver.ids())
    assert set(counts) == set(deliveries)
    twice = {wid for wid, n in counts.items() if n > 1}
    assert in_flight_id in twice
    assert twice <= held, twice - held
    assert len(held) <= CLAIM_BATCH
    assert max(counts.values()) == 2
    redelivered = WebhookDelivery.objects.get(pk=in_flight.pk)
    assert redelivered.attempts == 1  # the attempt cut short by the kill has no outcome
    assert redelivered.webhook_id == in_flight_id
    bodies = [json.loads(r.body) for r in receiver.requests if r.webhook_id == in_flight_id]
    assert bodies[0] == bodies[1]

    # No task ran twice; the only unfinished one is the task the killed worker was running.
    _stop(workers.values())
    tasks = list(DBTaskResult.objects.all())
    assert all(len(t.worker_ids) <= 1 for t in tasks)
    running = [t for t in tasks if t.status == "RUNNING"]
    assert [t.worker_ids for t in running] == [[victim]]
    assert {t.status for t in tasks} <= {"SUCCESSFUL", "RUNNING", "READY"}
    assert not [t for t in tasks if t.status == "FAILED"]
    used = {w for t in tasks for w in t.worker_ids}
    assert {"worker-a", "worker-b"} <= used


def test_a_worker_killed_mid_delivery_redelivers_after_restart_with_the_same_webhook_id(
    receiver, start_worker, company, company_system, settings
):
    settings.MASAR_WEBHOOK_REQUEUE_GRACE_SECONDS = 0
    subscribe(company_system, receiver.url())
    receiver.hold_at = 2
    for n in range(5):
        with transaction.atomic():
            event_emit(
                type="company.suspended",
                subject=("operators.company", str(company.pk)),
                payload={"company_id": company.pk, "reason": f"r{n}", "until": None},
                organizations=[company.organization],
            )
    # One worker; it is killed while the receiver holds the second request.
    worker = start_worker("solo")
    assert receiver.held.wait(timeout=60), "no request reached the receiver"
    in_flight_id = receiver.requests[1].webhook_id
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    receiver.release.set()
    in_flight = WebhookDelivery.objects.get(message_id=in_flight_id.removeprefix("msg_"))
    assert (in_flight.status, in_flight.attempts) == (DeliveryStatus.PENDING, 0)
    assert in_flight.locked_by.endswith(f":{worker.pid}")
    # Events of one subject keep order: nothing after the interrupted one was sent.
    assert len(receiver.requests) == 2

    # Restarted, with the tick re-queueing the stuck subscription once the lease is over:
    start_worker("solo-restarted")
    _wait(
        lambda: WebhookDelivery.objects.get(pk=in_flight.pk).locked_until < timezone.now(),
        timeout=30,
        what="the killed worker's lease to run out",
    )
    call_command("integration", "tick", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    _wait(
        lambda: not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists(),
        timeout=60,
        what="every delivery to be delivered",
    )

    ids = receiver.ids()
    assert ids[1] == ids[2] == in_flight_id
    assert len(ids) == 6 and len(set(ids)) == 5
    reasons = [json.loads(r.body)["data"]["reason"] for r in receiver.requests]
    assert reasons == ["r0", "r1", "r1", "r2", "r3", "r4"]
    assert WebhookDelivery.objects.get(pk=in_flight.pk).attempts == 1
    runs = {w for t in DBTaskResult.objects.all() for w in t.worker_ids}
    assert "solo-restarted" in runs
