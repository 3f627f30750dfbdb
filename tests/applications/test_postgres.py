"""PostgreSQL only: quotas under concurrent submitters, one active application per
passport under concurrency, a worker killed mid-import, and 100,000 rows via the API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from masar.applications.models import Application, ManifestJob, ManifestRejection
from masar.applications.services import (
    application_create,
    application_submit,
    group_submit,
    manifest_job_create,
    manifest_jobs_resume,
)
from masar.applications.states import ApplicationStatus
from masar.core.errors import MasarError
from masar.seasons.models import Quota
from tests.applications.factories import GroupFactory, pilgrim_values, quota
from tests.applications.manifest_files import csv_bytes, manifest_row, upload
from tests.concurrency import run_together
from tests.factories import AgentFactory, ContractFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 4


def test_company_quota_holds_under_four_parallel_submitters(season, company, contract, agent):
    # given a company quota of 7 places, and four agents' staff with 5 drafts each
    limit = 7
    company_quota = quota(season=season, company=company, limit=limit)
    groups, staff = [], []
    for index in range(WORKERS):
        this_agent = agent if index == 0 else AgentFactory(country="IDN")
        if index:
            ContractFactory(
                company=company,
                agent=this_agent,
                countries=["IDN"],
                valid_from=season.starts_on,
                valid_until=season.ends_on,
            )
        quota(season=season, agent=this_agent, limit=100)
        user = UserFactory(organization=this_agent.organization, roles=["agent_staff"])
        group = GroupFactory(season=season, company=company, agent=this_agent)
        for _ in range(5):
            application_create(actor=user, group=group, pilgrim=pilgrim_values())
        groups.append(group)
        staff.append(user)

    # when they all submit one by one at the same time
    def submitter(user, group):
        def run():
            accepted = 0
            for app in Application.objects.filter(group=group).order_by("pk"):
                try:
                    application_submit(actor=user, application=app)
                    accepted += 1
                except MasarError as exc:
                    assert exc.code == "not_eligible", exc.as_dict()
            return accepted

        return run

    results = run_together(*[submitter(u, g) for u, g in zip(staff, groups, strict=True)])
    # then exactly the quota is accepted, never more
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == limit
    assert Application.objects.filter(status=ApplicationStatus.SUBMITTED).count() == limit
    assert Quota.objects.get(pk=company_quota.pk).used == limit


def test_group_submissions_in_parallel_take_exactly_the_agent_quota(
    season, company, agent, contract, agent_staff
):
    limit = 9
    quota(season=season, company=company, limit=1000)
    agent_quota = quota(season=season, agent=agent, limit=limit)
    groups = []
    for _ in range(WORKERS):
        group = GroupFactory(season=season, company=company, agent=agent)
        for _ in range(4):
            application_create(actor=agent_staff, group=group, pilgrim=pilgrim_values())
        groups.append(group)
    results = run_together(*[lambda g=g: group_submit(actor=agent_staff, group=g) for g in groups])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(len(r.done) for r in results) == limit
    refused_codes = {f.code for r in results for fs in r.refused.values() for f in fs}
    assert refused_codes == {"quota_agent"}
    assert Quota.objects.get(pk=agent_quota.pk).used == limit
    assert Application.objects.filter(status="submitted").count() == limit


def test_one_passport_one_active_application_under_concurrency(season, company, contract):
    # given four agents, each with a draft for the same passport
    quota(season=season, company=company, limit=100)
    values = pilgrim_values()
    jobs = []
    for _ in range(WORKERS):
        this_agent = AgentFactory(country="IDN")
        ContractFactory(
            company=company,
            agent=this_agent,
            countries=["IDN"],
            valid_from=season.starts_on,
            valid_until=season.ends_on,
        )
        quota(season=season, agent=this_agent, limit=100)
        user = UserFactory(organization=this_agent.organization, roles=["agent_staff"])
        group = GroupFactory(season=season, company=company, agent=this_agent)
        app = application_create(actor=user, group=group, pilgrim=dict(values))
        jobs.append(lambda u=user, a=app: application_submit(actor=u, application=a))
    # when all four submit at once
    results = run_together(*jobs)
    # then one application holds the passport; the others are refused and took no quota
    accepted = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(accepted) == 1
    assert [e.code for e in refused] == ["not_eligible"] * 3
    assert {next(iter(e.fields)) for e in refused} == {"passport_number"}
    assert Application.objects.filter(status="submitted").count() == 1
    assert Quota.objects.get(season=season, holder_type="company").used == 1
    assert (
        sum(Quota.objects.filter(season=season, holder_type="agent").values_list("used", flat=True))
        == 1
    )


def _worker_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    settings = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env["DJANGO_SETTINGS_MODULE"] = "masar.settings.test"
    env["MASAR_VAR_DIR"] = str(tmp_path)
    return env


@pytest.mark.slow
def test_a_killed_worker_process_resumes_without_loss_or_duplicates(
    group, agent_staff, tmp_path, settings
):
    # given a manifest of 30,000 rows (every 1,000th one invalid), queued for the worker
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [manifest_row() for _ in range(30_000)]
    for index in range(0, 30_000, 1000):
        rows[index]["sex"] = "Q"
    job = manifest_job_create(actor=agent_staff, group=group, upload=upload(csv_bytes(rows)))
    # when a real worker process imports it and is killed (SIGKILL) part-way
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "masar.cli",
            "worker",
            "--queue-name",
            "imports",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        env=_worker_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.checkpoint_row >= 6000:
                break
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    job.refresh_from_db()
    assert job.status == "running" and 0 < job.checkpoint_row < 30_000
    stored = Application.objects.filter(manifest_job=job).count()
    rejected = ManifestRejection.objects.filter(job=job).count()
    # every committed chunk is whole: what is stored is exactly what the checkpoint says
    assert stored + rejected == job.checkpoint_row
    assert (stored, rejected) == (job.accepted_rows, job.rejected_rows)
    # then it is resumed and finishes with every row exactly once
    assert manifest_jobs_resume(job_id=job.pk, force=True) == [job.pk]
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "imports",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    job.refresh_from_db()
    assert (job.status, job.runs) == ("completed", 2)
    assert (job.accepted_rows, job.rejected_rows) == (29_970, 30)
    apps = Application.objects.filter(manifest_job=job)
    assert apps.count() == 29_970
    assert apps.values("manifest_row").distinct().count() == 29_970
    assert ManifestRejection.objects.filter(job=job).count() == 30


@pytest.mark.slow
def test_100k_rows_through_the_api_with_the_report(api, group, agent_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    Quota.objects.filter(season=group.season).update(limit=200_000)
    rows = [manifest_row() for _ in range(100_000)]
    for index in range(0, 100_000, 500):
        rows[index]["nationality"] = "ZZZ"
    client = api(agent_staff)
    started = time.monotonic()
    response = client.post(
        f"/api/v1/groups/{group.pk}/manifests/",
        {"file": upload(csv_bytes(rows)), "mode": "keep_valid"},
        format="multipart",
    )
    assert response.status_code == 202, response.json()
    job_id = response.json()["id"]
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "imports",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    status = client.get(f"/api/v1/jobs/{job_id}/").json()
    elapsed = time.monotonic() - started
    assert status["status"] == "completed", status
    assert (status["total_rows"], status["accepted_rows"], status["rejected_rows"]) == (
        100_000,
        99_800,
        200,
    )
    report = client.get(status["report"]["csv"])
    lines = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 100_001
    assert Application.objects.filter(manifest_job_id=job_id).count() == 99_800
    assert ManifestJob.objects.get(pk=job_id).runs == 1
    print(f"100k rows through the API on PostgreSQL: {elapsed:.1f} s", file=sys.stderr)  # noqa: T201
