"""Periodic work, run by `masar tick` (cron every minute, or `masar tick --every 60`).

Django's tasks framework has no scheduler. Each app registers its periodic jobs here in
its `AppConfig.ready()`; `schedule_tick` runs the jobs that are due. A job's row is locked
while it is claimed, and its start time moves forward before it runs, so any number of
tick processes on any number of machines run each job once per period.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from masar.core.context import Origin, origin_scope
from masar.core.models import ScheduledJobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[], Any]
    description: str


SCHEDULE: dict[str, PeriodicJob] = {}


def periodic_register(
    name: str, *, every: timedelta, description: str
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Declare `func` as a job run every `every`. Its return value is kept as its result."""

    def decorate(func: Callable[[], Any]) -> Callable[[], Any]:
        SCHEDULE[name] = PeriodicJob(name=name, every=every, run=func, description=description)
        return func

    return decorate


def job_period(job: PeriodicJob) -> timedelta:
    """The job's period: its declared `every`, unless MASAR_SCHEDULE_PERIODS (job name ->
    seconds) sets another for this deployment (a rehearsal's compressed day, a site that
    sweeps more often)."""
    seconds = getattr(settings, "MASAR_SCHEDULE_PERIODS", {}).get(job.name)
    return job.every if seconds is None else timedelta(seconds=float(seconds))


def _claim(job: PeriodicJob, now: datetime) -> bool:
    with transaction.atomic():
        ScheduledJobRun.objects.get_or_create(name=job.name)
        query = ScheduledJobRun.objects.filter(name=job.name)
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        row = query.first()
        if row is None:  # another tick holds it right now
            return False
        if row.last_started_at is not None and now - row.last_started_at < job_period(job):
            return False
        row.last_started_at = now
        row.save(update_fields=["last_started_at"])
        return True


def schedule_tick(*, now: datetime | None = None, only: set[str] | None = None) -> dict[str, Any]:
    """Run every due job once; return {job name: result or "error: ..."} for those run."""
    now = now or timezone.now()
    results: dict[str, Any] = {}
    for job in SCHEDULE.values():
        if only is not None and job.name not in only:
            continue
        if not _claim(job, now):
            continue
        status, result = "ok", None
        with origin_scope(Origin(channel="task", extra={"periodic": job.name})):
            try:
                result = job.run()
            except Exception as exc:  # one failing job must not stop the others
                logger.exception("periodic job %s failed", job.name)
                status, result = "error", f"{type(exc).__name__}: {exc}"
                traceback.clear_frames(exc.__traceback__)
        finished = timezone.now()
        ScheduledJobRun.objects.filter(name=job.name).update(
            last_finished_at=finished,
            last_status=status,
            last_result=_jsonable(result),
            **({"last_succeeded_at": finished} if status == "ok" else {}),
        )
        results[job.name] = result if status == "ok" else f"error: {result}"
    return results


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    return repr(value)
