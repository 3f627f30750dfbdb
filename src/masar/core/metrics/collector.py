"""The service's state as Prometheus gauges, gathered at each scrape.

Live figures come from indexed reads of small sets only: the ready tasks (a partial
index), pending webhook deliveries (partial indexes), unsequenced events (a partial
index), pending security reviews and open overstays (status indexes), the periodic jobs'
rows, and the key store's certificates (read at most once a minute). The figures that
need a scan come from the snapshot of `core.metrics_refresh` (see `snapshot`). A section
that fails (the database is down) is reported by `masar_metrics_section_up` = 0 and
leaves the others intact.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from masar.core.metrics.snapshot import SNAPSHOT_JOB

logger = logging.getLogger(__name__)

KEYS_TTL = 60.0
_keys_kept: tuple[float, float | None, float | None] | None = None


def _age(now: datetime, moment: datetime | None) -> float:
    return max((now - moment).total_seconds(), 0.0) if moment is not None else 0.0


def _gauge(name: str, documentation: str, labels: Iterable[str] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=list(labels))


class MasarCollector(Collector):
    """Yields every database-derived metric of docs/operations.md."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        sections: list[tuple[str, Callable[[datetime], list[Metric]]]] = [
            ("task_queue", self._task_queue),
            ("webhooks", self._webhooks),
            ("work_queues", self._work_queues),
            ("periodic_jobs", self._periodic_jobs),
            ("signing_keys", self._signing_keys),
            ("snapshot", self._snapshot),
        ]
        up = _gauge(
            "masar_metrics_section_up", "1 if the section was read, 0 if it failed.", ["section"]
        )
        for name, section in sections:
            try:
                metrics = section(now)
            except Exception:
                logger.exception("metrics section %s failed", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from metrics
        yield up

    # --- live ---------------------------------------------------------------------------

    def _task_queue(self, now: datetime) -> list[Metric]:
        from django_tasks_db.models import DBTaskResult

        depth = _gauge(
            "masar_task_queue_depth", "Tasks waiting to run now (due), by queue.", ["queue"]
        )
        age = _gauge(
            "masar_task_queue_oldest_age_seconds",
            "Age of the oldest task waiting to run now, by queue (0 when none waits).",
            ["queue"],
        )
        rows = {
            row["queue_name"]: row
            for row in DBTaskResult.objects.ready()
            .order_by()
            .values("queue_name")
            .annotate(n=Count("pk"), oldest=Min("enqueued_at"))
        }
        queues = sorted(set(settings.TASKS["default"].get("QUEUES", [])) | set(rows))
        for queue in queues:
            row = rows.get(queue)
            depth.add_metric([queue], row["n"] if row else 0)
            age.add_metric([queue], _age(now, row["oldest"]) if row else 0.0)
        return [depth, age]

    def _webhooks(self, now: datetime) -> list[Metric]:
        from masar.integration.models import DeliveryStatus, OutboxEvent, WebhookDelivery

        pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
            n=Count("pk"), oldest=Min("event__occurred_at")
        )
        unsequenced = (
            OutboxEvent.objects.filter(sequence__isnull=True)
            .order_by("id")
            .values_list("occurred_at", flat=True)
            .first()
        )
        waiting = _gauge("masar_webhook_deliveries_pending", "Webhook deliveries not yet made.")
        waiting.add_metric([], pending["n"] or 0)
        oldest = _gauge(
            "masar_webhook_oldest_undelivered_age_seconds",
            "Age of the oldest event still waiting for a webhook delivery (0 when none).",
        )
        oldest.add_metric([], _age(now, pending["oldest"]))
        relay = _gauge(
            "masar_outbox_oldest_unrelayed_age_seconds",
            "Age of the oldest committed event not yet relayed (sequenced); 0 when none.",
        )
        relay.add_metric([], _age(now, unsequenced))
        return [waiting, oldest, relay]

    def _work_queues(self, now: datetime) -> list[Metric]:
        from masar.border.models import Overstay, OverstayStatus
        from masar.screening.models import Review, ReviewStatus

        reviews = Review.objects.filter(status=ReviewStatus.PENDING)
        waiting = _gauge(
            "masar_screening_referrals_waiting", "Security reviews waiting for a decision."
        )
        waiting.add_metric([], reviews.count())
        overdue = _gauge(
            "masar_screening_referrals_overdue",
            "Security reviews waiting past their service-level deadline.",
        )
        overdue.add_metric([], reviews.filter(due_at__lt=now).count())
        overstays = _gauge("masar_overstays_open", "Overstays found and not yet closed.")
        overstays.add_metric([], Overstay.objects.filter(status=OverstayStatus.OPEN).count())
        return [waiting, overdue, overstays]

    def _periodic_jobs(self, now: datetime) -> list[Metric]:
        from masar.core.models import ScheduledJobRun
        from masar.core.schedule import SCHEDULE

        runs = {run.name: run for run in ScheduledJobRun.objects.all()}
        success = _gauge(
            "masar_periodic_job_last_success_timestamp_seconds",
            "When each periodic job last ended without an error (Unix time; 0 if never).",
            ["job"],
        )
        failed = _gauge(
            "masar_periodic_job_last_run_failed",
            "1 if the periodic job's last run ended with an error.",
            ["job"],
        )
        every = _gauge(
            "masar_periodic_job_interval_seconds", "How often each periodic job is due.", ["job"]
        )
        for name, job in sorted(SCHEDULE.items()):
            run = runs.get(name)
            succeeded = run.last_succeeded_at if run else None
            success.add_metric([name], succeeded.timestamp() if succeeded else 0.0)
            failed.add_metric([name], 1 if run and run.last_status == "error" else 0)
            every.add_metric([name], job.every.total_seconds())
        return [success, failed, every]

    def _signing_keys(self, now: datetime) -> list[Metric]:
        from masar.core.health import csca_days_left, signer_days_left

        global _keys_kept
        moment = time.monotonic()
        if _keys_kept is None or moment - _keys_kept[0] > KEYS_TTL:
            _keys_kept = (moment, signer_days_left(now), csca_days_left(now))
        _at, signer, csca = _keys_kept
        metrics: list[Metric] = []
        if signer is not None:
            gauge = _gauge(
                "masar_visa_signer_days_to_expiry",
                "Days until the current visa seal signer stops signing (its key usage "
                "period or certificate ends).",
            )
            gauge.add_metric([], round(signer, 3))
            metrics.append(gauge)
        if csca is not None:
            gauge = _gauge(
                "masar_visa_csca_days_to_expiry",
                "Days until the country signing CA certificate expires.",
            )
            gauge.add_metric([], round(csca, 3))
            metrics.append(gauge)
        return metrics

    # --- snapshot -----------------------------------------------------------------------

    def _snapshot(self, now: datetime) -> list[Metric]:
        from masar.core.models import ScheduledJobRun

        run = ScheduledJobRun.objects.filter(name=SNAPSHOT_JOB).first()
        data: dict[str, Any] = run.last_result if run and isinstance(run.last_result, dict) else {}
        at = parse_datetime(data["at"]) if isinstance(data.get("at"), str) else None
        taken = _gauge(
            "masar_metrics_snapshot_timestamp_seconds",
            "When the figures counted by `masar tick` (core.metrics_refresh) were counted.",
        )
        taken.add_metric([], at.timestamp() if at else 0.0)
        metrics: list[Metric] = [taken]
        if not at:
            return metrics

        from masar.applications.states import ApplicationStatus
        from masar.integration.models import DeliveryStatus

        apps = _gauge("masar_applications", "Applications by state.", ["state"])
        counts = data.get("applications", {})
        for state in ApplicationStatus.values:
            apps.add_metric([state], counts.get(state, 0))
        deliveries = _gauge(
            "masar_webhook_deliveries", "Webhook deliveries kept, by outcome.", ["outcome"]
        )
        outcomes = data.get("webhook_deliveries", {})
        for outcome in DeliveryStatus.values:
            deliveries.add_metric([outcome], outcomes.get(outcome, 0))
        past = _gauge(
            "masar_decisions_past_deadline",
            "Applications waiting for the consular decision past the season's service level.",
        )
        past.add_metric([], data.get("decisions_past_deadline", 0))
        metrics += [apps, deliveries, past]
        tasks = data.get("tasks", {})
        queues = sorted(set(settings.TASKS["default"].get("QUEUES", [])))
        for key, doc in (
            ("running", "Tasks marked running, by queue."),
            ("failed", "Tasks that failed (kept until pruned), by queue."),
            ("resumed", "Tasks claimed again after a worker stopped, by queue."),
        ):
            gauge = _gauge(f"masar_tasks_{key}", doc, ["queue"])
            values = tasks.get(key, {})
            for queue in sorted(set(queues) | set(values)):
                gauge.add_metric([queue], values.get(queue, 0))
            metrics.append(gauge)
        jobs = _gauge(
            "masar_jobs",
            "Long jobs (manifest imports, visa issuance, watchlist imports) by status.",
            ["kind", "status"],
        )
        for kind, by_status in sorted(data.get("jobs", {}).items()):
            for status, count in sorted(by_status.items()):
                jobs.add_metric([kind, status], count)
        metrics.append(jobs)
        return metrics
