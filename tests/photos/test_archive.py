"""A group's ZIP of photos named by passport number: bounds checked before any file is
read, every file matched, checked and reported, progress kept, a resumed run idempotent."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from masar.core.errors import Forbidden, ValidationFailed
from masar.core.models import AuditEntry
from masar.photos.models import BatchStatus, PhotoBatch, PhotoBatchItem, Portrait
from masar.photos.services import photo_batch_create, photo_batch_run
from tests.photos import images


def archive(files: list[tuple[str, bytes]]) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            zf.writestr(name, data)
    return SimpleUploadedFile("photos.zip", out.getvalue(), content_type="application/zip")


@pytest.fixture
def three(make_draft: Any) -> list[Any]:
    return [make_draft().pilgrim for _ in range(3)]


def report(batch: PhotoBatch) -> list[tuple[str, str, int | None, list[str]]]:
    return [
        (i.file_name, i.outcome, i.pilgrim_id, [r["code"] for r in i.reasons])
        for i in PhotoBatchItem.objects.filter(batch=batch).order_by("position")
    ]


def test_a_group_archive_is_matched_checked_and_reported_file_by_file(
    group: Any, agent_staff: Any, three: list[Any]
) -> None:
    a, b, c = three
    upload = archive(
        [
            (f"{a.passport_number}.jpg", images.good(0)),
            (f"photos/{b.passport_number.lower()}.JPG", images.two_faces()),
            (f"{c.passport_number}.png", images.png_bomb()),
            ("Z9999999.jpg", images.good(1)),
            ("notes.txt", b"hello"),
            (f"{a.passport_number}.jpeg", images.good(2)),
            ("__MACOSX/._x.jpg", b"junk"),
            ("photos/", b""),
        ]
    )
    batch = photo_batch_create(actor=agent_staff, group=group, upload=upload, enqueue=False)
    assert (batch.status, batch.total_files, batch.percent) == (BatchStatus.QUEUED, 6, 0)
    batch = photo_batch_run(batch_id=batch.pk)
    assert (batch.status, batch.processed_files, batch.percent) == (BatchStatus.COMPLETED, 6, 100)
    assert (batch.accepted_files, batch.rejected_files) == (1, 5)
    assert report(batch) == [
        (f"{a.passport_number}.jpg", "accepted", a.pk, []),
        (f"{b.passport_number.lower()}.JPG", "rejected", b.pk, ["several_faces"]),
        (f"{c.passport_number}.png", "rejected", c.pk, ["too_many_pixels"]),
        ("Z9999999.jpg", "rejected", None, ["no_pilgrim_with_passport"]),
        ("notes.txt", "rejected", None, ["file_name_not_passport"]),
        (f"{a.passport_number}.jpeg", "rejected", None, ["duplicate_in_archive"]),
    ]
    # The flagged photo is kept (an officer may accept it); the bomb is not.
    assert dict(Portrait.objects.values_list("pilgrim_id", "status")) == {
        a.pk: "compliant",
        b.pk: "flagged",
    }
    assert AuditEntry.objects.filter(action="photos.archive_processed").count() == 1
    # Run again (a retried task): nothing is done twice.
    again = photo_batch_run(batch_id=batch.pk)
    assert (again.processed_files, PhotoBatchItem.objects.count()) == (6, 6)


def test_a_run_that_stopped_goes_on_after_the_files_done(
    group: Any, agent_staff: Any, three: list[Any]
) -> None:
    upload = archive([(f"{p.passport_number}.jpg", images.good(i)) for i, p in enumerate(three)])
    batch = photo_batch_create(actor=agent_staff, group=group, upload=upload, enqueue=False)
    photo_batch_run(batch_id=batch.pk)
    PhotoBatchItem.objects.filter(batch=batch, position=3).delete()
    PhotoBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, processed_files=2, accepted_files=2
    )
    batch = photo_batch_run(batch_id=batch.pk)
    assert (batch.status, batch.processed_files, batch.accepted_files) == ("completed", 3, 3)
    assert [i.position for i in batch.items.order_by("position")] == [1, 2, 3]


def test_the_upload_enqueues_the_worker_task_on_commit(
    group: Any, agent_staff: Any, three: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    upload = archive([(f"{three[0].passport_number}.jpg", images.good())])
    with django_capture_on_commit_callbacks() as callbacks:
        photo_batch_create(actor=agent_staff, group=group, upload=upload)
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("overrides", "files", "code", "message"),
    [
        (
            {"MASAR_PHOTO_ARCHIVE_MAX_FILES": 2},
            [("A1.jpg", b"x"), ("A2.jpg", b"x"), ("A3.jpg", b"x")],
            "zip_too_large",
            "The archive holds 3 files; at most 2.",
        ),
        (
            {"MASAR_PHOTO_ARCHIVE_MAX_UNPACKED": 2 * 2**20},
            [("A1234567.jpg", b"\0" * (3 * 2**20))],
            "zip_too_large",
            "The archive unpacks to 3 MB; at most 2 MB.",
        ),
        ({}, [], "invalid_zip", "The archive holds no files."),
    ],
)
def test_archive_bounds_are_checked_from_its_directory(
    group: Any,
    agent_staff: Any,
    settings: Any,
    overrides: dict[str, int],
    files: list[tuple[str, bytes]],
    code: str,
    message: str,
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        photo_batch_create(actor=agent_staff, group=group, upload=archive(files), enqueue=False)
    assert (refused.value.code, refused.value.fields) == (code, {"file": [message]})
    assert PhotoBatch.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_not_a_zip_and_another_agents_group_are_refused(
    group: Any, agent_staff: Any, other_agent_staff: Any
) -> None:
    not_zip = SimpleUploadedFile("photos.zip", b"plain text", content_type="application/zip")
    with pytest.raises(ValidationFailed) as refused:
        photo_batch_create(actor=agent_staff, group=group, upload=not_zip, enqueue=False)
    assert refused.value.fields == {"file": ["The file is not a ZIP archive."]}
    wrong_name = SimpleUploadedFile("photos.rar", b"x")
    with pytest.raises(ValidationFailed):
        photo_batch_create(actor=agent_staff, group=group, upload=wrong_name, enqueue=False)
    with pytest.raises(Forbidden):
        photo_batch_create(
            actor=other_agent_staff, group=group, upload=archive([("A1.jpg", b"x")]), enqueue=False
        )
    assert PhotoBatch.objects.count() == 0


def test_a_member_over_the_size_limit_is_rejected_unread(
    group: Any, agent_staff: Any, three: list[Any], settings: Any
) -> None:
    settings.MASAR_PHOTO_CHECKS = {"max_bytes": 20_000}
    upload = archive([(f"{three[0].passport_number}.jpg", images.good())])
    batch = photo_batch_create(actor=agent_staff, group=group, upload=upload, enqueue=False)
    batch = photo_batch_run(batch_id=batch.pk)
    [item] = batch.items.all()
    assert (item.outcome, item.reasons) == (
        "rejected",
        [{"code": "file_too_large", "params": {"size": len(images.good()), "limit": 20_000}}],
    )
    assert Portrait.objects.count() == 0


def test_a_damaged_member_is_rejected_alone(group: Any, agent_staff: Any, three: list[Any]) -> None:
    first, second = three[0], three[1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{first.passport_number}.jpg", images.good(0))
        zf.writestr(f"{second.passport_number}.jpg", images.good(1))
    raw = bytearray(out.getvalue())
    at = raw.index(images.good(0)[:64]) + 5000
    raw[at] ^= 0xFF  # the first file's CRC no longer matches
    upload = SimpleUploadedFile("photos.zip", bytes(raw), content_type="application/zip")
    batch = photo_batch_create(actor=agent_staff, group=group, upload=upload, enqueue=False)
    batch = photo_batch_run(batch_id=batch.pk)
    assert batch.status == "completed"
    assert report(batch) == [
        (f"{first.passport_number}.jpg", "rejected", first.pk, ["unreadable"]),
        (f"{second.passport_number}.jpg", "accepted", second.pk, []),
    ]


def test_an_archive_whose_worker_stopped_is_queued_again(
    group: Any,
    agent_staff: Any,
    three: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from masar.core.schedule import SCHEDULE
    from masar.photos.services import photo_batches_resume

    assert "photos.archives_resume" in SCHEDULE
    upload = archive([(f"{p.passport_number}.jpg", images.good(i)) for i, p in enumerate(three)])
    batch = photo_batch_create(actor=agent_staff, group=group, upload=upload, enqueue=False)
    fresh = photo_batch_create(
        actor=agent_staff, group=group, upload=archive([("A1234567.jpg", b"x")]), enqueue=False
    )
    long_ago = timezone.now() - dt.timedelta(minutes=11)
    PhotoBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, heartbeat_at=long_ago, processed_files=1
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert photo_batches_resume() == [batch.pk]
    assert len(callbacks) == 1
    assert PhotoBatch.objects.get(pk=batch.pk).status == BatchStatus.QUEUED
    assert PhotoBatch.objects.get(pk=fresh.pk).status == BatchStatus.QUEUED
    assert AuditEntry.objects.filter(action="photos.archive_resumed").count() == 1
    assert photo_batches_resume() == []  # its heartbeat is fresh now
