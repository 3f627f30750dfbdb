"""Manifest imports: formats, per-row reasons, modes, the worker, crash and resume."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from masar.applications.manifest_format import COLUMNS
from masar.applications.models import Application, ManifestJob, ManifestRejection, Pilgrim
from masar.applications.services import (
    application_submit,
    manifest_job_create,
    manifest_job_run,
    manifest_jobs_resume,
    manifest_report_lines,
)
from masar.core.audit import audit_verify
from masar.core.dates import riyadh_today
from masar.core.errors import ValidationFailed
from masar.integration.models import OutboxEvent
from tests.applications.manifest_files import csv_bytes, manifest_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def run_worker() -> None:
    """Run the queued tasks with django-tasks-db's worker. It closes stale connections
    between tasks, so the tests that use it commit for real (transaction=True)."""
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )


@pytest.fixture
def create_job(group, agent_staff, django_capture_on_commit_callbacks):
    def create(content: bytes, name: str = "manifest.csv", mode: str = "keep_valid", enqueue=False):
        with django_capture_on_commit_callbacks(execute=True):
            return manifest_job_create(
                actor=agent_staff,
                group=group,
                upload=upload(content, name),
                mode=mode,
                enqueue=enqueue,
            )

    return create


def test_csv_keeps_valid_rows_and_reports_every_reason(create_job):
    # given five rows, two of them with problems (one with two problems)
    rows = [manifest_row() for _ in range(5)]
    rows[2].update(vaccine_date=None, vaccine_type="", passport_issue_date="10/05/2022")
    rows[3]["passport_number"] = "X9999999"  # typed, but the MRZ says otherwise
    job = create_job(csv_bytes(rows))
    # when the import runs (two rows per chunk)
    job = manifest_job_run(job_id=job.pk, chunk_size=2)
    # then three drafts exist, keyed by their spreadsheet row, and two rows are rejected
    assert (job.status, job.total_rows, job.checkpoint_row) == ("completed", 5, 5)
    assert (job.accepted_rows, job.rejected_rows, job.discarded_rows) == (3, 2, 0)
    assert sorted(
        Application.objects.filter(manifest_job=job).values_list("manifest_row", flat=True)
    ) == [2, 3, 6]
    assert set(Application.objects.filter(manifest_job=job).values_list("status", flat=True)) == {
        "draft"
    }
    reasons = {
        r.row_number: sorted((x["field"], x["code"]) for x in r.reasons)
        for r in ManifestRejection.objects.filter(job=job)
    }
    assert reasons == {
        4: [("passport_issue_date", "invalid_date")],
        5: [("passport_number", "passport_mrz_matches")],
    }
    event = OutboxEvent.objects.get(type="manifest.completed")
    assert (event.payload["accepted_rows"], event.payload["rejected_rows"]) == (3, 2)
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_xlsx_through_the_worker(create_job):
    rows = [manifest_row() for _ in range(4)]
    rows[1]["birth_date"] = dt.datetime(1990, 1, 2)  # a spreadsheet date-time cell
    rows[1].update(
        manifest_row(birth_date=dt.date(1990, 1, 2), passport_number=rows[1]["passport_number"])
    )
    job = create_job(xlsx_bytes(rows), "group.xlsx", enqueue=True)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.format, job.accepted_rows, job.rejected_rows) == (
        "completed",
        "xlsx",
        4,
        0,
    ), job.error


def test_blank_rows_and_duplicates(create_job, make_draft):
    existing = make_draft()
    rows = [manifest_row(), {}, manifest_row()]
    rows.append(dict(rows[0]))  # the same passport again
    rows.append(manifest_row(passport_number=existing.pilgrim.passport_number))
    job = manifest_job_run(job_id=create_job(csv_bytes(rows)).pk)
    assert (job.accepted_rows, job.rejected_rows) == (2, 2)
    codes = dict(
        ManifestRejection.objects.filter(job=job).values_list("row_number", "reasons__0__code")
    )
    assert codes == {5: "manifest_duplicate_passport", 6: "passport_has_open_application"}


def test_all_or_nothing_stores_nothing_when_a_row_fails(create_job):
    rows = [manifest_row() for _ in range(4)]
    rows[3]["sex"] = "Q"
    job = manifest_job_run(job_id=create_job(csv_bytes(rows), mode="all_or_nothing").pk)
    assert (job.status, job.accepted_rows, job.rejected_rows, job.discarded_rows) == (
        "completed",
        0,
        1,
        3,
    )
    assert Application.objects.count() == 0
    assert Pilgrim.objects.count() == 0


def test_all_or_nothing_stores_all_when_every_row_passes(create_job):
    job = create_job(csv_bytes([manifest_row() for _ in range(5)]), mode="all_or_nothing")
    job = manifest_job_run(job_id=job.pk, chunk_size=2)
    assert (job.phase, job.accepted_rows, job.rejected_rows, job.discarded_rows) == (
        "store",
        5,
        0,
        0,
    )
    assert Application.objects.filter(manifest_job=job).count() == 5


class Crash(Exception):
    pass


def _crash_after(chunks: int):
    seen = {"n": 0}

    def after_chunk(job):
        seen["n"] += 1
        if seen["n"] == chunks:
            raise Crash

    return after_chunk


@pytest.mark.parametrize("mode", ["keep_valid", "all_or_nothing"])
def test_a_crashed_import_resumes_without_loss_or_duplicates(create_job, mode):
    # given 23 rows, two of which are rejected, imported 5 rows per chunk
    rows = [manifest_row() for _ in range(23)]
    rows[7]["sex"] = "Q"
    rows[19]["nationality"] = "ZZZ"
    job = create_job(csv_bytes(rows), mode=mode)
    # when the worker dies after its second committed chunk
    with pytest.raises(Crash):
        manifest_job_run(job_id=job.pk, chunk_size=5, after_chunk=_crash_after(2))
    job.refresh_from_db()
    assert (job.status, job.checkpoint_row) == ("running", 10)
    stored_before = Application.objects.filter(manifest_job=job).count()
    assert stored_before == (9 if mode == "keep_valid" else 0)
    # a fresh run does not take over a job whose worker may still be alive
    assert manifest_job_run(job_id=job.pk).checkpoint_row == 10
    # then the job is resumed (as `masar manifests resume --job` does) and finishes
    assert manifest_jobs_resume(job_id=job.pk, force=True) == [job.pk]
    job = manifest_job_run(job_id=job.pk, chunk_size=5)
    if mode == "keep_valid":
        assert (job.status, job.accepted_rows, job.rejected_rows, job.runs) == (
            "completed",
            21,
            2,
            2,
        )
        rows_stored = list(
            Application.objects.filter(manifest_job=job)
            .order_by("manifest_row")
            .values_list("manifest_row", flat=True)
        )
        assert rows_stored == [n for n in range(2, 25) if n not in (9, 21)]
    else:
        assert (job.accepted_rows, job.rejected_rows, job.discarded_rows) == (0, 2, 21)
        assert Application.objects.filter(manifest_job=job).count() == 0
    assert sorted(
        ManifestRejection.objects.filter(job=job).values_list("row_number", flat=True)
    ) == [9, 21]
    assert Pilgrim.objects.count() == Application.objects.count()


@pytest.mark.django_db(transaction=True)
def test_stale_jobs_are_swept_by_the_command(create_job, django_capture_on_commit_callbacks):
    job = create_job(csv_bytes([manifest_row() for _ in range(6)]))
    with pytest.raises(Crash):
        manifest_job_run(job_id=job.pk, chunk_size=2, after_chunk=_crash_after(1))
    # the heartbeat is fresh: nothing is stale yet
    out = io.StringIO()
    call_command("manifests", "resume", stdout=out)
    assert "no stale" in out.getvalue()
    ManifestJob.objects.filter(pk=job.pk).update(
        heartbeat_at=ManifestJob.objects.get(pk=job.pk).heartbeat_at - dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("manifests", "resume", stdout=out)
    assert f"queued again: {job.pk}" in out.getvalue()
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.accepted_rows, job.runs) == ("completed", 6, 2)
    assert Application.objects.filter(manifest_job=job).count() == 6


def test_a_second_run_stops_when_another_took_the_job_over(create_job):
    job = create_job(csv_bytes([manifest_row() for _ in range(6)]))

    def take_over(current):
        # another worker resumes the job while this one is between chunks
        manifest_jobs_resume(job_id=current.pk, force=True)
        manifest_job_run(job_id=current.pk, chunk_size=2)

    result = manifest_job_run(job_id=job.pk, chunk_size=2, after_chunk=_once(take_over))
    assert (result.status, result.accepted_rows) == ("completed", 6)
    assert Application.objects.filter(manifest_job=job).count() == 6


def _once(fn):
    done = {"v": False}

    def wrapper(job):
        if not done["v"]:
            done["v"] = True
            fn(job)

    return wrapper


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"name,age\nx,1\n", "m.csv", "missing column(s): passport_issue_date, mrz_line1"),
        (b"\xff\xfe\x00bad", "m.csv", "not UTF-8"),
        (b"not a zip", "m.xlsx", "cannot be read"),
        (b"x", "m.pdf", "upload a .csv or .xlsx file"),
    ],
)
def test_files_that_are_not_manifests_are_refused_at_once(create_job, content, name, fragment):
    with pytest.raises(ValidationFailed) as excinfo:
        create_job(content, name)
    assert excinfo.value.code == "invalid_manifest"
    assert fragment in excinfo.value.fields["file"][0]
    assert ManifestJob.objects.count() == 0


def test_headers_in_arabic_or_english_are_understood(create_job):
    rows = [manifest_row()]
    arabic = [c.arabic for c in COLUMNS]
    job = manifest_job_run(job_id=create_job(csv_bytes(rows, headers=arabic)).pk)
    assert job.accepted_rows == 1
    english = [c.english for c in COLUMNS]
    job = manifest_job_run(job_id=create_job(csv_bytes([manifest_row()], headers=english)).pk)
    assert job.accepted_rows == 1


def test_imported_drafts_can_be_submitted(create_job, agent_staff):
    job = manifest_job_run(job_id=create_job(csv_bytes([manifest_row()])).pk)
    app = Application.objects.get(manifest_job=job)
    application_submit(actor=agent_staff, application=app)
    assert Application.objects.get(pk=app.pk).status == "submitted"


def test_report_lists_rows_in_order_as_csv_and_xlsx(api, agent_staff, create_job):
    rows = [manifest_row() for _ in range(3)]
    rows[1]["sex"] = "Q"
    job = manifest_job_run(job_id=create_job(csv_bytes(rows)).pk)
    lines = list(manifest_report_lines(job))
    assert [(line[0], line[1]) for line in lines] == [
        (2, "accepted"),
        (3, "rejected"),
        (4, "accepted"),
    ]
    assert "sex: invalid_choice" in lines[1][5]
    client = api(agent_staff)
    response = client.get(f"/api/v1/jobs/{job.pk}/report.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "row / الصف"
    assert [r[:2] for r in table[1:]] == [["2", "accepted"], ["3", "rejected"], ["4", "accepted"]]
    response = client.get(f"/api/v1/jobs/{job.pk}/report.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    values = [row[:2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert values == [(2, "accepted"), (3, "rejected"), (4, "accepted")]


@pytest.mark.django_db(transaction=True)
def test_upload_through_the_api_returns_a_job_that_the_worker_completes(
    api, agent_staff, group, django_capture_on_commit_callbacks
):
    client = api(agent_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/groups/{group.pk}/manifests/",
            {"file": upload(csv_bytes([manifest_row(), manifest_row()])), "mode": "keep_valid"},
            format="multipart",
        )
    assert response.status_code == 202, response.json()
    job = response.json()
    assert (job["status"], job["report"], job["total_rows"]) == ("queued", None, None)
    early = client.get(f"/api/v1/jobs/{job['id']}/report.csv")
    assert early.status_code == 409
    assert early.json()["code"] == "manifest_report_not_ready"
    run_worker()
    status = client.get(f"/api/v1/jobs/{job['id']}/").json()
    assert (status["status"], status["total_rows"], status["processed_rows"]) == ("completed", 2, 2)
    assert (status["accepted_rows"], status["rejected_rows"], status["percent"]) == (2, 0, 100)
    assert status["report"] == {
        "csv": f"/api/v1/jobs/{job['id']}/report.csv",
        "xlsx": f"/api/v1/jobs/{job['id']}/report.xlsx",
    }


def test_template_downloads_have_both_languages(api, agent_staff):
    client = api(agent_staff)
    text = client.get("/api/v1/manifests/template.csv").content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[0] == "surname / اسم العائلة (كما في الجواز)"
    assert len(header) == len(COLUMNS)
    book = load_workbook(io.BytesIO(client.get("/api/v1/manifests/template.xlsx").content))
    assert book.sheetnames == ["manifest", "example - مثال", "columns - الأعمدة"]


def test_example_row_of_the_template_is_valid():
    from masar.applications.manifest_format import EXAMPLE_ROW
    from masar.applications.pilgrim_input import pilgrim_input_clean

    data, failures = pilgrim_input_clean(EXAMPLE_ROW, today=riyadh_today())
    assert failures == []
    assert data is not None and data.parsed_mrz is not None and data.parsed_mrz.valid


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_before_starting_it_is_queued_again(
    create_job, django_capture_on_commit_callbacks, settings
):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    # given a queued import whose task a worker claimed, then was killed (SIGKILL) before
    # starting the job: the task row stays RUNNING for good
    job = create_job(csv_bytes([manifest_row() for _ in range(4)]), enqueue=True)
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    DBTaskResult.objects.filter(args_kwargs__kwargs__job_id=job.pk).update(
        status="RUNNING", started_at=long_ago
    )
    ManifestJob.objects.filter(pk=job.pk).update(created_at=long_ago, heartbeat_at=None)
    # when the periodic resume runs with this deployment's stale window
    settings.MASAR_MANIFEST_STALE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        assert manifest_jobs_resume() == [job.pk]
    # then a new task imports it once
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.accepted_rows) == ("completed", 4)
    assert Application.objects.filter(manifest_job=job).count() == 4


def test_a_task_just_claimed_holds_its_job(create_job, settings):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    # given a queued import whose task started a second ago, the job created long ago
    job = create_job(csv_bytes([manifest_row()]), enqueue=True)
    DBTaskResult.objects.filter(args_kwargs__kwargs__job_id=job.pk).update(
        status="RUNNING", started_at=timezone.now()
    )
    ManifestJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1), heartbeat_at=None
    )
    settings.MASAR_MANIFEST_STALE_SECONDS = 60
    # then the resume leaves it to that task
    assert manifest_jobs_resume() == []
