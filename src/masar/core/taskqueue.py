"""The task queue: django-tasks-db's database backend and worker, with two additions.

- A task remembers the request that queued it: the backend stores the current request id
  beside the task's arguments, and the worker runs the task under that id, so its logs,
  audit entries and events name the request that started it.
- A worker asked to stop (SIGTERM, SIGINT) finishes its current task within a grace period,
  then hands it back to the queue (`ready` again) instead of leaving it marked `running`:
  a deploy never strands a task. Every task is safe to run again (ids in, idempotent
  services with leases and checkpoints), so a task handed back is simply run anew.
- A worker outlives its database's restart or failover: a task whose connection was lost
  under it is handed back (not failed: it did nothing wrong), and the worker waits for the
  database and goes on, instead of exiting with the task left marked `running`.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.backend import DatabaseBackend as TasksDatabaseBackend
from django_tasks_db.compat import (
    TaskContext,
    TaskResultStatus,
    normalize_json,
    task_finished,
    task_started,
)
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from masar.core.context import Origin, current_origin, origin_scope

logger = logging.getLogger(__name__)

#: Where the enqueuing request's id is kept in a task row's `args_kwargs`.
ORIGIN_KEY = "masar_origin"
#: What a lost database connection raises (a restart, a failover, a killed backend).
DATABASE_GONE = (OperationalError, InterfaceError)
#: The longest wait between two attempts to reach the database again.
RECONNECT_MAX_SECONDS = 5.0


def database_gone() -> bool:
    """Is any open connection of this process unusable (its server went away)?"""
    gone = False
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            gone = True
    return gone


class DatabaseBackend(TasksDatabaseBackend):
    """django-tasks-db's backend; each task row also records the current request id."""

    def _row_fields(self, task: Any, args: Any, kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = {"args": args, "kwargs": kwargs}
        request_id = current_origin().request_id
        if request_id:
            payload[ORIGIN_KEY] = {"request_id": request_id}
        return {
            "id": self._get_id(),
            "args_kwargs": normalize_json(payload),
            "priority": task.priority,
            "task_path": task.module_path,
            "queue_name": task.queue_name,
            "run_after": task.run_after,
            "backend_name": self.alias,
        }

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult:
        return DBTaskResult.objects.create(**self._row_fields(task, args, kwargs))

    async def _atask_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult:
        return await DBTaskResult.objects.acreate(**self._row_fields(task, args, kwargs))


def task_request_id(row: DBTaskResult) -> str:
    """The id of the request that queued the task ("" when none did)."""
    origin = row.args_kwargs.get(ORIGIN_KEY) if isinstance(row.args_kwargs, dict) else None
    return str(origin.get("request_id", ""))[:64] if isinstance(origin, dict) else ""


class TaskHandedBack(BaseException):  # noqa: N818 - not an error: the shutdown's own signal
    """Raised inside a running task when the worker's grace period is over."""


class GracefulWorker(Worker):
    """django-tasks-db's worker, stopping cleanly: see the module docstring.

    The first SIGTERM lets the current task run for `grace_seconds` more; a task still
    running then (or at a second signal) is interrupted and handed back to the queue.
    """

    def __init__(self, *, grace_seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.grace_seconds = grace_seconds
        self._in_task_body = False
        self.handed_back: list[str] = []

    def configure_signals(self) -> None:
        super().configure_signals()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGALRM, self._grace_over)

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running_task:
            super().shutdown(signum, frame)  # idle: exits at once
            return
        if not self.running:
            logger.warning("Received %s again: handing the current task back", signum)
            self._interrupt()
            return
        self.running = False
        logger.warning(
            "Received %s: finishing the current task (up to %s s), then stopping",
            signal.strsignal(signum),
            self.grace_seconds,
        )
        if threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, max(self.grace_seconds, 0.001))

    def _grace_over(self, signum: int, frame: FrameType | None) -> None:
        self._interrupt()

    def _interrupt(self) -> None:
        # Only the task's own code is interrupted: never the bookkeeping around it.
        if self._in_task_body:
            raise TaskHandedBack

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one claimed task; mark it successful or failed, or hand it back."""
        self.running_task = True
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = type(task.get_backend())
            origin = Origin(
                channel="task",
                request_id=task_request_id(db_task_result),
                extra={"task": task.name},
            )
            with origin_scope(origin):
                task_started.send(sender=backend_type, task_result=task_result)
                try:
                    self._in_task_body = True
                    if task.takes_context:
                        return_value = task.call(
                            TaskContext(task_result=task_result),
                            *task_result.args,
                            **task_result.kwargs,
                        )
                    else:
                        return_value = task.call(*task_result.args, **task_result.kwargs)
                finally:
                    self._in_task_body = False
                db_task_result.set_successful(return_value)
                task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except TaskHandedBack:
            self._hand_back(db_task_result)
        except DATABASE_GONE:
            if not database_gone():
                raise  # a deadlock, a timeout: the task's own failure, recorded by run()
            self._hand_back(db_task_result, why="its database connection was lost")
        except BaseException as exc:
            db_task_result.set_failed(exc)
            try:
                sender = type(db_task_result.task.get_backend())
                finished = db_task_result.task_result
            except (ImportError, SuspiciousOperation):
                logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
            else:
                task_finished.send(sender=sender, task_result=finished)
        finally:
            if threading.current_thread() is threading.main_thread():
                signal.setitimer(signal.ITIMER_REAL, 0)
            self.running_task = False
            self._run_tasks += 1

    def run(self) -> None:
        """django-tasks-db's loop, started again whenever the database is unreachable (a
        claim or a bookkeeping write failing on a lost connection), after a wait."""
        delay = 0.5
        while True:
            try:
                super().run()
                return
            except DATABASE_GONE as exc:
                if not self.running:
                    return
                logger.warning("Database unreachable (%s): trying again in %.1f s", exc, delay)
                connections.close_all()
                time.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    def _hand_back(self, db_task_result: DBTaskResult, why: str = "on shutdown") -> None:
        # The interrupted statement may have left the connection unusable: start afresh,
        # and wait for a database that is restarting.
        for attempt in range(60):
            connections.close_all()
            try:
                DBTaskResult.objects.filter(
                    pk=db_task_result.pk, status=TaskResultStatus.RUNNING
                ).update(status=TaskResultStatus.READY, started_at=None)
                break
            except DatabaseError:
                time.sleep(min(0.5 * (attempt + 1), RECONNECT_MAX_SECONDS))
        self.handed_back.append(str(db_task_result.pk))
        logger.warning(
            "Handed task %s (%s) back to the queue %s: %s",
            db_task_result.pk,
            db_task_result.task_path,
            db_task_result.queue_name,
            why,
        )
