"""The audit trail (one append-only, hash-chained table for every state change) and the
log of reads of personal data (append-only, not chained)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One action by one actor. Rows are never updated or deleted by the application.

    Each row carries the SHA-256 of its own content and of the previous row's hash, so an
    altered, inserted or removed row breaks the chain (`masar audit verify`).
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    origin = models.JSONField(default=dict)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # An organization's trail, newest first, a page at a time (ADR 0125).
            models.Index(fields=["organization", "id"], name="audit_organization_id_idx"),
            models.Index(fields=["action", "id"], name="audit_action_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_type}:{self.target_id}"


class AuditHead(models.Model):
    """The single row that holds the chain's last hash; locking it orders the appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"audit head #{self.count}"


class IdempotencyRecord(models.Model):
    """A POST answered under an Idempotency-Key: the same key and body replay the answer."""

    key = models.CharField(max_length=200)
    principal = models.CharField(max_length=80)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class ScheduledJobRun(models.Model):
    """When a periodic job (core.schedule) last ran, and how it ended."""

    name = models.CharField(max_length=100, primary_key=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=10, blank=True)
    last_result = models.JSONField(null=True, blank=True)
    # When a run last ended without an error (monitoring: "job not run for too long").
    last_succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.last_status or 'never run'})"


class PersonalDataRead(models.Model):
    """Who read which records of personal data, when, from which page or endpoint.

    Append-only and apart from the hash-chained audit trail (ADR 0106): reads outnumber
    writes by far, and chaining them would serialize every page view on the audit head.
    One row per request: a list names the ids of the records it showed (at most one page)
    and the query that selected them; a detail names its one record. `records` holds the ids
    as ",12,15," so that "who read record 15" is one LIKE on any database.
    """

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    record_type = models.CharField(max_length=60)
    records = models.TextField()
    record_count = models.PositiveIntegerField()
    source = models.CharField(max_length=200)
    query = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("personal data read")
        indexes = [
            models.Index(fields=["user", "-id"], name="pdread_user_idx"),
            models.Index(fields=["record_type", "-id"], name="pdread_type_idx"),
            models.Index(fields=["at"], name="pdread_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.user_id} {self.record_type} {self.records}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("personal data reads are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("personal data reads are append-only")

    @property
    def record_ids(self) -> list[str]:
        return [r for r in self.records.split(",") if r]
