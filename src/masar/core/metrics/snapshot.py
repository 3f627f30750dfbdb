"""The figures of /metrics that would scan a large table, computed by `masar tick`.

`metrics_snapshot` counts applications by state (the application table holds millions of
rows in a season: a scrape every 15 s must not count it), webhook deliveries by outcome,
decisions past their deadline, tasks running, failed and resumed, and long jobs by status.
The periodic job `core.metrics_refresh` runs it every `SNAPSHOT_EVERY` and keeps the result
as its own (`ScheduledJobRun.last_result`), which the scrape reads back.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils import timezone

from masar.core.schedule import periodic_register

SNAPSHOT_JOB = "core.metrics_refresh"
SNAPSHOT_EVERY = timedelta(minutes=2)


def _counts(queryset: Any, field: str) -> dict[str, int]:
    return {
        str(row[field]): row["n"]
        for row in queryset.values(field).annotate(n=Count("pk")).order_by(field)
    }


def decisions_past_deadline(now: Any = None) -> int:
    """Applications waiting for the consular decision longer than their season's service
    level (waiting since the security decision, else the screening, else the submission,
    as the decision queue counts it)."""
    from masar.applications.models import Application
    from masar.applications.states import ApplicationStatus
    from masar.seasons.models import SeasonRules

    now = now or timezone.now()
    waiting = Application.objects.filter(status=ApplicationStatus.DECISION)
    default_hours = int(SeasonRules._meta.get_field("decision_sla_hours").get_default())
    hours = dict(SeasonRules.objects.values_list("season_id", "decision_sla_hours"))
    total = 0
    for season_id in waiting.values_list("season_id", flat=True).distinct().order_by():
        cutoff = now - timedelta(hours=hours.get(season_id, default_hours))
        total += (
            waiting.filter(season_id=season_id)
            .annotate(since=Coalesce("security_decided_at", "screened_at", "submitted_at"))
            .filter(since__lt=cutoff)
            .count()
        )
    return total


def _tasks() -> dict[str, dict[str, int]]:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    resumed: Counter[str] = Counter()
    rows = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.RUNNING, TaskResultStatus.FAILED, TaskResultStatus.READY]
    ).values_list("queue_name", "status", "worker_ids")
    for queue, status, workers in rows.iterator(chunk_size=2000):
        if status == TaskResultStatus.RUNNING:
            running[queue] += 1
        elif status == TaskResultStatus.FAILED:
            failed[queue] += 1
        # Claimed before by a worker that stopped (handed back, or killed and re-queued).
        if status != TaskResultStatus.FAILED and isinstance(workers, list) and len(workers) > 1:
            resumed[queue] += 1
    return {"running": dict(running), "failed": dict(failed), "resumed": dict(resumed)}


def metrics_snapshot() -> dict[str, Any]:
    """Compute the slow figures of /metrics (see the module docstring)."""
    from masar.applications.models import Application, ManifestJob
    from masar.integration.models import WebhookDelivery
    from masar.screening.models import WatchlistImport
    from masar.visas.models import IssuanceJob

    now = timezone.now()
    return {
        "at": now.isoformat(),
        "applications": _counts(Application.objects.all(), "status"),
        "decisions_past_deadline": decisions_past_deadline(now),
        "webhook_deliveries": _counts(WebhookDelivery.objects.all(), "status"),
        "tasks": _tasks(),
        "jobs": {
            "manifest_import": _counts(ManifestJob.objects.all(), "status"),
            "visa_issuance": _counts(IssuanceJob.objects.all(), "status"),
            "watchlist_import": _counts(WatchlistImport.objects.all(), "status"),
        },
    }


@periodic_register(
    SNAPSHOT_JOB,
    every=SNAPSHOT_EVERY,
    description="Count the figures of /metrics that need a scan (applications by state...).",
)
def metrics_refresh_job() -> dict[str, Any]:
    return metrics_snapshot()
