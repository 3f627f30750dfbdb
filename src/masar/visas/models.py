"""E-visas issued to approved applications, their numbering, and group issuance jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masar.applications.models import Application, Group
from masar.operators.models import Agent, Company
from masar.seasons.models import Season


class VisaType(models.TextChoices):
    UMRAH = "umrah", _("Umrah")
    HAJJ = "hajj", _("Hajj")
    VISIT = "visit", _("Visit")


class VisaStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Lapsed unused")


# Visa statuses whose seal is on the revocation list.
REVOKED_STATUSES = (VisaStatus.CANCELLED, VisaStatus.LAPSED)


class RejectionReason(models.TextChoices):
    """The coded reasons a visa officer gives for a refusal (stable codes, part of the API)."""

    SECURITY = "security", _("Security grounds")
    DOCUMENTS = "documents", _("Documents insufficient or inconsistent")
    PREVIOUS_VIOLATION = "previous_violation", _("Previous immigration violation")
    PACKAGE = "package", _("Travel package not acceptable")
    OTHER = "other", _("Other (explained in the reason)")


class CancelReason(models.TextChoices):
    SECURITY = "security", _("Security grounds")
    FRAUD = "fraud", _("Fraudulent application")
    COMPANY_REQUEST = "company_request", _("At the company's request")
    OTHER = "other", _("Other (explained in the reason)")


class VisaNumberCounter(models.Model):
    """One row: the next serial of visa numbers (locked while numbers are allocated)."""

    next_serial = models.PositiveBigIntegerField(default=1)

    def __str__(self) -> str:
        return f"next visa serial {self.next_serial}"


class Visa(models.Model):
    """The e-visa of one approved application, with its MRZ and signed seal."""

    number = models.CharField(max_length=9, unique=True)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="visa")
    # Denormalized from the application: every read is scoped by them. Issuance writes
    # thousands of rows at once, so no index is kept that another one already covers
    # (company and agent lead the (x, status) indexes, status leads (status, valid_until))
    # or that nothing reads (issued_by, revoked_by: users who acted are never deleted, the
    # audit trail protects them). ADR 0062.
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="visas")
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="visas", db_index=False
    )
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="visas", db_index=False)
    visa_type = models.CharField(max_length=8, choices=VisaType.choices)
    status = models.CharField(max_length=10, choices=VisaStatus.choices, default=VisaStatus.VALID)
    entries = models.PositiveSmallIntegerField(help_text=_("0 means multiple entries."))
    valid_from = models.DateField()
    valid_until = models.DateField()
    stay_days = models.PositiveSmallIntegerField()
    mrz_line1 = models.CharField(max_length=44)
    mrz_line2 = models.CharField(max_length=44)
    seal = models.BinaryField()
    signer_identifier = models.CharField(max_length=4)
    certificate_reference = models.CharField(max_length=40)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    cancel_reason_code = models.CharField(max_length=20, choices=CancelReason.choices, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("e-visa")
        # Lists read a page in `id` order within the company's or agent's visas, with or
        # without a status filter (ADR 0125).
        indexes = [
            models.Index(fields=["company", "status", "id"], name="visa_company_status_id"),
            models.Index(fields=["company", "id"], name="visa_company_id_idx"),
            models.Index(fields=["agent", "status", "id"], name="visa_agent_status_id"),
            models.Index(fields=["agent", "id"], name="visa_agent_id_idx"),
            models.Index(fields=["status", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lte=models.F("valid_until")), name="visa_window_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status=VisaStatus.VALID, revoked_at__isnull=True)
                | (~Q(status=VisaStatus.VALID) & Q(revoked_at__isnull=False)),
                name="visa_revoked_iff_not_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def mrz(self) -> tuple[str, str]:
        return (self.mrz_line1, self.mrz_line2)


class IssuanceJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class IssuanceJob(models.Model):
    """Issuance of every approved application of a group, in the background, with progress."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="issuance_jobs")
    status = models.CharField(
        max_length=8, choices=IssuanceJobStatus.choices, default=IssuanceJobStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("issuance job")
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(status__in=["queued", "running"]),
                name="one_running_issuance_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"issuance {self.pk} of group {self.group_id}"


class VisaArchiveStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class VisaArchive(models.Model):
    """A group's visas as one ZIP of PDFs, asked for by a person and built in the
    background for a large group; readable by the asker's organization only."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="visa_archives")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization_id_at_request = models.PositiveBigIntegerField()
    status = models.CharField(
        max_length=8, choices=VisaArchiveStatus.choices, default=VisaArchiveStatus.QUEUED
    )
    visa_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="visa-archives/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("visa archive")

    def __str__(self) -> str:
        return f"visa archive {self.pk} of group {self.group_id}"
