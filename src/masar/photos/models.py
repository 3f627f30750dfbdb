"""Pilgrims' portraits (one current portrait each, normalised, with what the checks found)
and the group archives of photos processed in the worker, with their per-file report."""

from __future__ import annotations

import secrets
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from masar.applications.models import Group, Pilgrim
from masar.operators.models import Agent


class _PortraitStore(LazyObject):
    """`STORAGES["portraits"]`, looked up when first used (and again after the setting
    changes), so a deployment or a test can point it elsewhere."""

    def _setup(self) -> None:
        self._wrapped = storages["portraits"]


portrait_store = _PortraitStore()


@receiver(setting_changed)
def _portrait_store_reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        portrait_store._wrapped = empty  # type: ignore[assignment]


def portrait_storage() -> Storage:
    """The private store of portraits and archives (never under MEDIA_URL)."""
    return cast(Storage, portrait_store)


def _portrait_path(instance: Portrait, filename: str) -> str:
    # A random name: a path never tells whose face it is, nor can be guessed.
    return f"portraits/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.jpg"


def _archive_path(instance: PhotoBatch, filename: str) -> str:
    return f"archives/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.zip"


class PortraitStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    FLAGGED = "flagged", _("Flagged")
    ACCEPTED = "accepted", _("Accepted by an officer")


USABLE_STATUSES = (PortraitStatus.COMPLIANT, PortraitStatus.ACCEPTED)


class Portrait(models.Model):
    """A pilgrim's current portrait: the normalised JPEG and the checks' findings. A new
    upload replaces it; a flagged one is usable only once an officer accepts it."""

    pilgrim = models.OneToOneField(Pilgrim, on_delete=models.CASCADE, related_name="portrait")
    image = models.FileField(upload_to=_portrait_path, storage=portrait_storage)
    status = models.CharField(max_length=10, choices=PortraitStatus.choices)
    # [{"code": ..., "params": {...}}]: the words are given at display time.
    reasons = models.JSONField(default=list, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accept_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("portrait")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"portrait of pilgrim {self.pilgrim_id} ({self.status})"

    @property
    def is_usable(self) -> bool:
        return self.status in USABLE_STATUSES


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Processing")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


class PhotoBatch(models.Model):
    """One ZIP of a group's photos, named by passport number, processed in the worker."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="photo_batches")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="photo_batches")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=_archive_path, storage=portrait_storage)
    original_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED, db_index=True
    )
    total_files = models.PositiveIntegerField(default=0)
    processed_files = models.PositiveIntegerField(default=0)
    accepted_files = models.PositiveIntegerField(default=0)
    rejected_files = models.PositiveIntegerField(default=0)
    error = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moved with every file done: a run silent for long has stopped (see photo_batches_resume).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("photo archive")

    def __str__(self) -> str:
        return f"photo archive {self.pk} ({self.original_name})"

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.COMPLETED, BatchStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_files:
            return 0
        return min(99, 100 * self.processed_files // self.total_files)


class ItemOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PhotoBatchItem(models.Model):
    """One file of an archive: the pilgrim it matched, accepted or rejected with every reason."""

    batch = models.ForeignKey(PhotoBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    file_name = models.CharField(max_length=255)
    passport_number = models.CharField(max_length=40, blank=True)
    pilgrim = models.ForeignKey(
        Pilgrim, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=ItemOutcome.choices)
    # [{"code": ..., "params": {...}}]
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="photo_batch_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.file_name}: {self.outcome}"
