from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from masar.core.models import ScheduledJobRun
from masar.core.schedule import SCHEDULE, periodic_register, schedule_tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs():
    calls: list[str] = []
    saved = dict(SCHEDULE)
    SCHEDULE.clear()

    @periodic_register("test.hourly", every=timedelta(hours=1), description="counts")
    def hourly() -> int:
        calls.append("hourly")
        return len(calls)

    @periodic_register("test.broken", every=timedelta(minutes=1), description="fails")
    def broken() -> None:
        calls.append("broken")
        raise RuntimeError("disk full")

    yield calls
    SCHEDULE.clear()
    SCHEDULE.update(saved)


def test_a_due_job_runs_once_per_period(jobs):
    start = timezone.now()
    first = schedule_tick(now=start, only={"test.hourly"})
    assert first == {"test.hourly": 1}
    assert schedule_tick(now=start + timedelta(minutes=30), only={"test.hourly"}) == {}
    later = schedule_tick(now=start + timedelta(hours=1), only={"test.hourly"})
    assert later == {"test.hourly": 2}
    run = ScheduledJobRun.objects.get(name="test.hourly")
    assert (run.last_status, run.last_result) == ("ok", 2)


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(jobs):
    results = schedule_tick()
    assert results["test.hourly"] == 1
    assert results["test.broken"] == "error: RuntimeError: disk full"
    assert ScheduledJobRun.objects.get(name="test.broken").last_status == "error"


def test_every_app_registers_its_jobs():
    assert {
        "integration.tick",
        "applications.manifests_resume",
        "screening.resume",
        "training.certificate_reminders",
    } <= set(SCHEDULE)


def test_tick_command_lists_and_refuses_unknown_jobs(jobs):
    out = StringIO()
    call_command("tick", "--list", stdout=out)
    assert "test.hourly\tevery 1:00:00\tlast never" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("tick", "--only", "nope", stdout=StringIO())
    out = StringIO()
    call_command("tick", "--only", "test.hourly", stdout=out)
    assert '"test.hourly": 1' in out.getvalue()


def test_a_deployment_may_set_a_jobs_period(jobs, settings):
    # given the hourly job shortened to a minute for this deployment (a rehearsal's day)
    settings.MASAR_SCHEDULE_PERIODS = {"test.hourly": 60}
    start = timezone.now()
    assert schedule_tick(now=start, only={"test.hourly"}) == {"test.hourly": 1}
    # then it is not due within the minute, and due again after it
    assert schedule_tick(now=start + timedelta(seconds=59), only={"test.hourly"}) == {}
    assert schedule_tick(now=start + timedelta(seconds=61), only={"test.hourly"}) == {
        "test.hourly": 2
    }
    out = StringIO()
    call_command("tick", "--list", stdout=out)
    assert "test.hourly\tevery 0:01:00\t" in out.getvalue()
