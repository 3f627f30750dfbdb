"""The feed's cursor follows commit order, which autoincrement ids do not (PostgreSQL)."""

from __future__ import annotations

import random
import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from masar.integration.models import OutboxEvent
from masar.integration.services import event_emit

pytestmark = [
    pytest.mark.usefixtures("synthetic_payloads"),
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _emit(company, n: int) -> OutboxEvent:
    return event_emit(
        type="company.reinstated",
        subject=("operators.company", str(n)),
        payload={"company_id": n, "reason": f"event {n}"},
        organizations=[company.organization],
    )


def _feed(user, after: int) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/events/?after={after}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_slow_transaction_holding_an_earlier_id_is_not_skipped(company, company_staff):
    # Given a transaction that writes its event first (the lower id) and commits last,
    inserted, may_commit = threading.Event(), threading.Event()
    slow_event: list[OutboxEvent] = []

    def slow() -> None:
        try:
            with transaction.atomic():
                slow_event.append(_emit(company, 1))
                inserted.set()
                assert may_commit.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow)
    thread.start()
    assert inserted.wait(timeout=30)
    with transaction.atomic():
        fast = _emit(company, 2)
    assert slow_event[0].pk < fast.pk

    # when a reader pages through the feed while it is still open,
    first = _feed(company_staff, 0)
    assert [e["id"] for e in first["events"]] == [str(fast.event_id)]
    # (a reader paging by id would now continue after fast.pk and never see the slow event)
    cursor = int(first["next_cursor"])

    may_commit.set()
    thread.join(timeout=30)
    second = _feed(company_staff, cursor)

    # then it receives the late commit after the cursor it holds.
    assert [e["id"] for e in second["events"]] == [str(slow_event[0].event_id)]
    assert [e["sequence"] for e in first["events"] + second["events"]] == [cursor, cursor + 1]
    assert _feed(company_staff, int(second["next_cursor"]))["events"] == []


def test_concurrent_writers_and_a_polling_reader_see_every_event_once(company, company_staff):
    writers, per_writer = 4, 15
    done = threading.Event()
    seen: list[dict] = []
    errors: list[BaseException] = []

    def write(w: int) -> None:
        rng = random.Random(w)  # noqa: S311 - test timing
        try:
            for i in range(per_writer):
                with transaction.atomic():
                    _emit(company, w * 100 + i)
                    time.sleep(rng.uniform(0, 0.03))  # commits interleave out of id order
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def read() -> None:
        cursor = 0
        try:
            while True:
                finished = done.is_set()
                page = _feed(company_staff, cursor)
                seen.extend(page["events"])
                cursor = int(page["next_cursor"])
                if finished and not page["events"]:
                    return
                time.sleep(0.002)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    done.set()
    reader.join(timeout=60)

    assert errors == []
    total = writers * per_writer
    assert len(seen) == total
    assert len({e["id"] for e in seen}) == total
    assert [e["sequence"] for e in seen] == list(range(1, total + 1))
    assert set(OutboxEvent.objects.values_list("sequence", flat=True)) == set(range(1, total + 1))
    # The run did commit events out of id order: a reader paging by id would have skipped
    # each of these, having passed a higher id before it committed.
    pk_of = dict(OutboxEvent.objects.values_list("event_id", "pk"))
    pks = [pk_of[uuid.UUID(e["id"])] for e in seen]
    late = [pk for i, pk in enumerate(pks) if pk < max(pks[:i], default=0)]
    assert late, "no commit came out of id order; the test proved nothing"


def test_a_commit_does_not_queue_behind_a_relay_in_progress(company):
    from masar.integration.lock_objects import outbox_cursor_lock
    from masar.integration.services import outbox_relay

    with transaction.atomic():
        outbox_cursor_lock()  # make sure the row exists
    locked, release = threading.Event(), threading.Event()

    def relay_in_progress() -> None:
        try:
            with transaction.atomic():
                outbox_cursor_lock()
                locked.set()
                assert release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=relay_in_progress)
    holder.start()
    assert locked.wait(timeout=30)
    started = time.monotonic()
    with transaction.atomic():
        event = _emit(company, 1)
    waited = time.monotonic() - started
    release.set()
    holder.join(timeout=30)

    # The commit's own relay did not wait for the lock: it left the event to its holder,
    assert waited < 2
    event.refresh_from_db()
    assert event.sequence is None
    # whose second look after letting go (here: the next relay) sequences it.
    assert outbox_relay() == 1
    event.refresh_from_db()
    assert event.sequence == 1
