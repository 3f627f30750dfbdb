"""Pilgrims, groups with their package, visa applications, their transition log, and
manifest imports with their per-row report."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masar.applications.states import ApplicationStatus
from masar.core.indexes import NamePrefixIndex, NameSearchIndex
from masar.operators.models import Agent, Company
from masar.seasons.models import Season


def waiting_since() -> Coalesce:
    """Since when an application has waited for the consular decision: its security
    clearance, else its screening, else its submission (else its creation). The consular
    queue sorts on it; the partial index `application_decision_queue` holds it."""
    return Coalesce("security_decided_at", "screened_at", "submitted_at", "created_at")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNSPECIFIED = "X", _("Unspecified")


class VaccineType(models.TextChoices):
    CONJUGATE = "conjugate", _("Conjugate (valid 5 years)")
    POLYSACCHARIDE = "polysaccharide", _("Polysaccharide (valid 3 years)")
    UNKNOWN = "unknown", _("Type not stated (valid 3 years)")


class Group(models.Model):
    """A party of pilgrims an agent sends in one season to one contracted company, with the
    package they travel on (hotel contract, transport, flights)."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="groups")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="groups")
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=120)
    reference = models.CharField(max_length=40, blank=True)
    # The package: a contract with a licensed hotel for the stay, transport, flights.
    hotel_contract_number = models.CharField(max_length=60, blank=True)
    makkah_hotel = models.CharField(max_length=120, blank=True)
    makkah_nights = models.PositiveSmallIntegerField(default=0)
    madinah_hotel = models.CharField(max_length=120, blank=True)
    madinah_nights = models.PositiveSmallIntegerField(default=0)
    ground_transport = models.CharField(max_length=120, blank=True)
    arrival_flight = models.CharField(max_length=12, blank=True)
    arrival_port = models.CharField(max_length=3, blank=True)
    arrival_date = models.DateField(null=True, blank=True)
    departure_flight = models.CharField(max_length=12, blank=True)
    departure_port = models.CharField(max_length=3, blank=True)
    departure_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("group")
        indexes = [
            models.Index(fields=["agent", "season"]),
            models.Index(fields=["company", "season"]),
            # Part of a group's name, in the lists' search (trigrams on PostgreSQL).
            NameSearchIndex(field="name", name="group_name_search"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrival_date__isnull=True)
                | Q(departure_date__isnull=True)
                | Q(arrival_date__lte=models.F("departure_date")),
                name="group_flights_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stay_nights(self) -> int | None:
        if self.arrival_date is None or self.departure_date is None:
            return None
        return (self.departure_date - self.arrival_date).days

    @property
    def has_package(self) -> bool:
        return bool(
            self.hotel_contract_number
            and (self.makkah_nights or self.madinah_nights)
            and self.ground_transport
            and self.arrival_date
            and self.departure_date
            and self.departure_flight
        )


class Pilgrim(models.Model):
    """A person as their passport shows them, recorded by the agent that sends them."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="pilgrims")
    surname = models.CharField(max_length=80, help_text=_("As in the passport (Latin)."))
    given_names = models.CharField(max_length=120, blank=True)
    native_name = models.CharField(
        max_length=200, blank=True, help_text=_("In Arabic or the native script.")
    )
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField()
    nationality = models.CharField(max_length=3)
    residence_country = models.CharField(max_length=3)
    passport_number = models.CharField(max_length=9)
    passport_issuing_state = models.CharField(max_length=3)
    passport_issue_date = models.DateField()
    passport_expiry_date = models.DateField()
    mrz = models.CharField(max_length=89, help_text=_("The two MRZ lines, one per line."))
    photo = models.ImageField(upload_to="pilgrims/%Y/%m/", blank=True)
    vaccine_type = models.CharField(max_length=16, choices=VaccineType.choices, blank=True)
    vaccine_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pilgrim")
        indexes = [
            models.Index(fields=["passport_issuing_state", "passport_number"]),
            # Searches and the border desk's check read a passport number without its state.
            models.Index(fields=["passport_number"], name="pilgrim_passport_idx"),
            # Name searches read the names that start with the text typed, within the
            # reader's agents first, and stop at a page (ADR 0126).
            NamePrefixIndex(field="surname", scope="agent", name="pilgrim_agent_surname"),
            NamePrefixIndex(field="given_names", scope="agent", name="pilgrim_agent_given"),
            NamePrefixIndex(field="surname", name="pilgrim_surname_prefix"),
            NamePrefixIndex(field="given_names", name="pilgrim_given_prefix"),
        ]

    def __str__(self) -> str:
        return f"{self.surname}, {self.given_names}".strip(", ")

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()

    def display_name(self, language: str = "ar") -> str:
        if language.startswith("ar") and self.native_name:
            return self.native_name
        return self.full_name

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class Application(models.Model):
    """One pilgrim's request for a visa, in one group; moved only through `states.TRANSITIONS`."""

    # Indexes (ADR 0078): every status change rewrites the row in each of them (the status
    # is indexed, so no update is HOT), so none is kept that another already covers. The
    # foreign keys that lead a `(x, status)` index have none of their own, and the unique
    # columns are constraints in Meta (no pattern-ops twin: nothing searches them by prefix).
    number = models.CharField(max_length=16)
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    pilgrim = models.ForeignKey(Pilgrim, on_delete=models.PROTECT, related_name="applications")
    # Denormalized from the group: every read is scoped by them.
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # "STATE:NUMBER" while the application holds its passport (an active state), else null:
    # the unique constraint keeps one active application per passport under concurrency.
    active_passport = models.CharField(max_length=13, null=True, blank=True)
    quota_held = models.BooleanField(default=False)
    status_reason = models.TextField(blank=True)
    # Where it came from: a manifest row, keyed (job, row number), or typed in.
    # No index of its own: the partial unique (manifest_job, manifest_row) serves it.
    manifest_job = models.ForeignKey(
        "ManifestJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        db_index=False,
    )
    manifest_row = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Step timestamps, for processing-time reporting (see states.STEP_TIMESTAMPS).
    submitted_at = models.DateTimeField(null=True, blank=True)
    company_decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    security_decided_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Set when the consular decision was taken by the system (season rule `auto_decision`).
    decided_automatically = models.BooleanField(default=False)
    issued_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    entered_at = models.DateTimeField(null=True, blank=True)
    departed_at = models.DateTimeField(null=True, blank=True)
    overstayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("visa application")
        # Lists read a page in `id` order within the actor's scope, with or without a
        # status filter (ADR 0125): each scope has `(scope, id)` and `(scope, status, id)`.
        indexes = [
            models.Index(fields=["status", "id"], name="application_status_id_idx"),
            models.Index(fields=["agent", "status", "id"], name="application_agent_status_id"),
            models.Index(fields=["agent", "id"], name="application_agent_id_idx"),
            models.Index(fields=["company", "status", "id"], name="application_company_status_id"),
            models.Index(fields=["company", "id"], name="application_company_id_idx"),
            models.Index(fields=["group", "status", "id"], name="application_group_status_id"),
            models.Index(fields=["group", "id"], name="application_group_id_idx"),
            # The consular queue, oldest waiting first (ADR 0126): only the applications
            # awaiting the decision, so the index is the size of the backlog.
            models.Index(
                waiting_since(),
                F("id"),
                name="application_decision_queue",
                condition=Q(status=ApplicationStatus.DECISION),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="application_number_unique"),
            models.UniqueConstraint(fields=["active_passport"], name="application_active_passport"),
            models.UniqueConstraint(
                fields=["manifest_job", "manifest_row"],
                condition=Q(manifest_job__isnull=False),
                name="application_unique_manifest_row",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ApplicationTransition(models.Model):
    """The transition log: every state change of an application, by whom and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    name = models.CharField(max_length=40)
    from_status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    to_status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("application transition")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} -> {self.to_status}"


class ManifestFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ManifestMode(models.TextChoices):
    KEEP_VALID = "keep_valid", _("Keep the valid rows")
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")


class ManifestStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


class ManifestJob(models.Model):
    """The import of one uploaded manifest, processed in committed chunks with a checkpoint.

    `checkpoint_row` is the last data row whose outcome is committed; a resumed run skips
    rows up to it. `phase` is `validate` (all-or-nothing: nothing stored until every row
    has passed) or `store`. `run_token` names the run that owns the job: each chunk commits
    only while its run still owns the job, so two workers never import the same rows.
    """

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="manifest_jobs")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="manifest_jobs")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="manifests/%Y/%m/")
    original_name = models.CharField(max_length=200)
    format = models.CharField(max_length=4, choices=ManifestFormat.choices)
    mode = models.CharField(
        max_length=16, choices=ManifestMode.choices, default=ManifestMode.KEEP_VALID
    )
    status = models.CharField(
        max_length=10, choices=ManifestStatus.choices, default=ManifestStatus.QUEUED, db_index=True
    )
    phase = models.CharField(max_length=10, default="store")
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    checkpoint_row = models.PositiveIntegerField(default=0)
    accepted_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    # all-or-nothing: rows that passed but were not stored because others failed.
    discarded_rows = models.PositiveIntegerField(default=0)
    # The uploader's language: the reasons in the report are written in it.
    language = models.CharField(max_length=5, default="ar")
    run_token = models.CharField(max_length=32, blank=True)
    runs = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("manifest import")

    def __str__(self) -> str:
        return f"manifest {self.pk} ({self.original_name})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ManifestStatus.COMPLETED, ManifestStatus.FAILED)

    @property
    def percent(self) -> int:
        """Progress of the whole job: all-or-nothing reads the file twice (check, then store)."""
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        if self.mode == ManifestMode.ALL_OR_NOTHING:
            done = self.checkpoint_row + (self.total_rows if self.phase == "store" else 0)
            return min(99, 100 * done // (2 * self.total_rows))
        return min(99, 100 * self.checkpoint_row // self.total_rows)


class ManifestRejection(models.Model):
    """A manifest row that was not imported, with every reason, keyed by (job, row number)."""

    job = models.ForeignKey(ManifestJob, on_delete=models.CASCADE, related_name="rejections")
    row_number = models.PositiveIntegerField()
    passport_number = models.CharField(max_length=40, blank=True)
    surname = models.CharField(max_length=120, blank=True)
    # [{"field": ..., "code": ..., "message": ...}, ...]
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "row_number"], name="manifest_rejection_unique_row"
            )
        ]

    def __str__(self) -> str:
        return f"job {self.job_id} row {self.row_number}"


class SavedSearch(models.Model):
    """A search of the applications list a person named to run again (their own only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=60)
    q = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
