"""/metrics: who may scrape it, and one scrape of a known state parsed with
prometheus_client's own parser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from masar.core.models import ScheduledJobRun
from masar.core.schedule import schedule_tick
from masar.integration.models import WebhookDelivery
from masar.screening.models import Review, Screening
from masar.visas.keys import KeyStore, settings_key_store
from tests.applications.factories import ApplicationFactory, GroupFactory, PilgrimFactory
from tests.core.tasks import quick_task
from tests.reporting import conftest as reporting_fixtures

rseason = reporting_fixtures.rseason
ports = reporting_fixtures.ports
record = reporting_fixtures.record
recorded = reporting_fixtures.recorded

pytestmark = pytest.mark.django_db


def scrape(client: Client, **extra: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, sorted labels): value} of one scrape (which must succeed)."""
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.fixture
def keys(settings: Any, tmp_path: Any) -> Iterator[KeyStore]:
    settings.MASAR_KEYS_DIR = str(tmp_path / "keys")
    settings_key_store.cache_clear()
    from masar.core.metrics import collector

    collector._keys_kept = None
    store = KeyStore.from_settings()
    store.init(usage_days=30)
    yield store
    collector._keys_kept = None
    settings_key_store.cache_clear()


def test_metrics_refuse_other_addresses_and_wrong_tokens(client: Client, settings: Any) -> None:
    settings.MASAR_METRICS_TOKEN = "s3cret-token"
    settings.MASAR_METRICS_ALLOWED_IPS = ["127.0.0.1", "10.8.0.0/16"]
    outside = {"REMOTE_ADDR": "192.0.2.7"}
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}):
        response = client.get("/metrics", **outside, **headers)
        assert response.status_code == 403
        assert response.json() == {
            "code": "metrics_forbidden",
            "message": "المقاييس تقدَّم لنظام المراقبة وحده.",
            "fields": {},
        }
    assert client.get("/metrics", REMOTE_ADDR="10.8.3.4").status_code == 200
    assert (
        client.get("/metrics", **outside, HTTP_AUTHORIZATION="Bearer s3cret-token").status_code
        == 200
    )
    # A wrong token from an allowed address is refused: the token, once given, decides.
    assert (
        client.get("/metrics", REMOTE_ADDR="10.8.3.4", HTTP_AUTHORIZATION="Bearer no").status_code
        == 403
    )


def test_a_scrape_reports_the_state_of_the_service(
    client: Client, recorded: dict[str, Any], keys: KeyStore
) -> None:
    now = timezone.now()
    app = recorded["apps"]["pak"]
    group = GroupFactory(season=recorded["season"], company=app.company, agent=app.agent)

    def deciding(screened_hours_ago: int) -> Any:
        return ApplicationFactory(
            group=group,
            pilgrim=PilgrimFactory(agent=group.agent),
            status="decision",
            submitted_at=now - dt.timedelta(hours=screened_hours_ago + 1),
            screened_at=now - dt.timedelta(hours=screened_hours_ago),
        )

    late, on_time = deciding(72), deciding(2)
    for target, due in (
        (late, now - dt.timedelta(hours=1)),
        (on_time, now + dt.timedelta(hours=5)),
    ):
        screening = Screening.objects.create(
            application=target, person_key=f"IDN:{target.pk}", outcome="referred"
        )
        Review.objects.create(
            application=target,
            screening=screening,
            person_key=screening.person_key,
            best_score=90.0,
            hit_count=1,
            due_at=due,
        )
    quick_task.using(queue_name="imports").enqueue()
    quick_task.using(queue_name="imports").enqueue()
    DBTaskResult.objects.update(enqueued_at=now - dt.timedelta(minutes=10))
    schedule_tick(only={"core.metrics_refresh"})

    samples = scrape(client, REMOTE_ADDR="127.0.0.1")

    def value(name: str, **labels: str) -> float:
        return samples[(name, tuple(sorted(labels.items())))]

    assert value("masar_applications", state="issued") == 3
    assert value("masar_applications", state="approved") == 1
    assert value("masar_applications", state="decision") == 2
    assert value("masar_applications", state="draft") == 0
    assert value("masar_decisions_past_deadline") == 1
    assert value("masar_screening_referrals_waiting") == 2
    assert value("masar_screening_referrals_overdue") == 1
    assert value("masar_overstays_open") == 1
    assert value("masar_task_queue_depth", queue="imports") == 2
    assert value("masar_task_queue_depth", queue="default") == 0
    assert 600 <= value("masar_task_queue_oldest_age_seconds", queue="imports") < 700
    assert value("masar_tasks_running", queue="imports") == 0
    assert value("masar_tasks_failed", queue="imports") == 0
    assert value("masar_webhook_deliveries", outcome="pending") == 0
    assert value("masar_webhook_deliveries_pending") == 0
    assert value("masar_webhook_oldest_undelivered_age_seconds") == 0
    assert 29.9 < value("masar_visa_signer_days_to_expiry") <= 30
    assert value("masar_visa_csca_days_to_expiry") > 3000
    refreshed = ScheduledJobRun.objects.get(name="core.metrics_refresh")
    assert refreshed.last_succeeded_at is not None
    assert value(
        "masar_periodic_job_last_success_timestamp_seconds", job="core.metrics_refresh"
    ) == pytest.approx(refreshed.last_succeeded_at.timestamp())
    assert value("masar_periodic_job_last_success_timestamp_seconds", job="integration.tick") == 0
    assert value("masar_periodic_job_interval_seconds", job="core.metrics_refresh") == 120
    assert value("masar_periodic_job_last_run_failed", job="core.metrics_refresh") == 0
    for section in (
        "task_queue",
        "webhooks",
        "work_queues",
        "periodic_jobs",
        "signing_keys",
        "snapshot",
    ):
        assert value("masar_metrics_section_up", section=section) == 1
    assert WebhookDelivery.objects.count() == 0

    # The scrape itself was counted by route pattern and status.
    again = scrape(client, REMOTE_ADDR="127.0.0.1")
    assert (
        again[
            (
                "masar_http_requests_total",
                (("method", "GET"), ("route", "/metrics"), ("status", "200")),
            )
        ]
        >= 1
    )
    assert (
        again[
            (
                "masar_http_request_duration_seconds_count",
                (("method", "GET"), ("route", "/metrics"), ("status", "200")),
            )
        ]
        >= 1
    )


def test_request_metrics_use_the_route_pattern_never_the_path(client: Client) -> None:
    client.get("/api/v1/visas/A12345678/", HTTP_ACCEPT_LANGUAGE="en")
    client.get("/no/such/page/P1234567")
    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'route="/api/v1/visas/<str:number>/"' in body
    assert 'route="<unmatched>"' in body
    assert "A12345678" not in body and "P1234567" not in body


def test_the_snapshot_sections_are_reported_missing_until_the_first_refresh(
    client: Client,
) -> None:
    samples = scrape(client, REMOTE_ADDR="127.0.0.1")
    assert samples[("masar_metrics_snapshot_timestamp_seconds", ())] == 0
    assert not [name for name, _labels in samples if name == "masar_applications"]
