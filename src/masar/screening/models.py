"""Watchlists with their versions and per-version changes, list imports, bans, and the
screening of applications: each screening with its hits, the review of the referred ones,
and the false positives analysts decided, remembered per (person, entry revision).

Entries are never deleted: a re-import marks the entries it no longer holds as removed in
its version, so every version can be explained (`WatchlistEntryChange`) and every hit keeps
the entry it matched.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masar.applications.models import Application
from masar.screening.matching import DEFAULT_THRESHOLD


class Watchlist(models.Model):
    """A list of people to screen applicants against, loaded (and re-loaded) from files."""

    name = models.SlugField(max_length=60, unique=True, help_text=_("Short name, e.g. un-sc."))
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    threshold = models.FloatField(
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(50.0), MaxValueValidator(100.0)],
        help_text=_("Lowest score (0-100) of a hit that refers an application."),
    )
    review_sla_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=_("Hours within which a referral raised by this list must be decided."),
    )
    is_active = models.BooleanField(default=True)
    # The current version (0: nothing loaded yet) and its number of entries.
    version = models.PositiveIntegerField(default=0)
    entry_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("watchlist")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str = "ar") -> str:
        return self.title or self.name


class ImportFormat(models.TextChoices):
    MASAR = "masar", _("Masar CSV")
    FTM = "ftm", _("FollowTheMoney simple CSV")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


class WatchlistImport(models.Model):
    """One file loaded into a list (upload through the API or the page, or the command).

    A file is a whole snapshot of the list: the import either produces a new version (or
    none, when nothing changed) or fails with every problem found, leaving the list as it
    was. The uploaded file is deleted once the import has finished; its SHA-256 stays.
    """

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="watchlists/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200)
    format = models.CharField(max_length=8, choices=ImportFormat.choices)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    sha256 = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    # The first problems found: [{"row", "field", "message", "severity"}, ...].
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # The uploader's language: the problems are written in it.
    language = models.CharField(max_length=5, default="ar")
    version = models.ForeignKey(
        "WatchlistVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("watchlist import")

    def __str__(self) -> str:
        return f"import {self.pk} into {self.watchlist_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.COMPLETED, ImportStatus.FAILED)


class WatchlistVersion(models.Model):
    """A state of a list: what one import changed, with counts."""

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source_import = models.ForeignKey(
        WatchlistImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=8, choices=ImportFormat.choices)
    sha256 = models.CharField(max_length=64, blank=True)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["watchlist", "-number"]
        verbose_name = _("watchlist version")
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist", "number"], name="watchlist_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.watchlist_id} v{self.number}"


class WatchlistEntry(models.Model):
    """A person on a list, keyed by the id the source gives them.

    `revision` is the version in which the entry's content last changed (or was added);
    `removed_in` the version that no longer holds it.
    """

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="entries")
    external_id = models.CharField(max_length=200)
    # The primary name first, then the aliases, in any script.
    names = models.JSONField(default=list)
    # "YYYY", "YYYY-MM" or "YYYY-MM-DD"; sources often give several.
    birth_dates = models.JSONField(default=list, blank=True)
    # ISO 3166 alpha-3 codes.
    nationalities = models.JSONField(default=list, blank=True)
    document_numbers = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    added_in = models.PositiveIntegerField()
    revision = models.PositiveIntegerField()
    removed_in = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["watchlist", "external_id"]
        verbose_name = _("watchlist entry")
        verbose_name_plural = _("watchlist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist", "external_id"], name="watchlist_entry_unique_external_id"
            )
        ]
        indexes = [models.Index(fields=["watchlist", "removed_in"])]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.primary_name})"

    @property
    def primary_name(self) -> str:
        return self.names[0] if self.names else ""

    @property
    def aliases(self) -> list[str]:
        return list(self.names[1:])

    @property
    def is_current(self) -> bool:
        return self.removed_in is None


class ChangeKind(models.TextChoices):
    ADDED = "added", _("Added")
    CHANGED = "changed", _("Changed")
    REMOVED = "removed", _("Removed")


class WatchlistEntryChange(models.Model):
    """What a version did to one entry, with the entry's content before and after."""

    version = models.ForeignKey(WatchlistVersion, on_delete=models.CASCADE, related_name="changes")
    entry = models.ForeignKey(WatchlistEntry, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=8, choices=ChangeKind.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("watchlist entry change")

    def __str__(self) -> str:
        return f"{self.kind} {self.entry_id} in {self.version_id}"


class BanSource(models.TextChoices):
    SECURITY = "security", _("Security (interior ministry)")
    BORDER = "border", _("Border (overstay)")
    COMPLIANCE = "compliance", _("Compliance")


class Ban(models.Model):
    """A person barred from a visa until a date (none: until lifted), by passport or by
    name and birth date. The border and compliance apps add them after overstays."""

    passport_issuing_state = models.CharField(max_length=3, blank=True)
    passport_number = models.CharField(max_length=20, blank=True)
    full_name = models.CharField(max_length=200, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    until = models.DateField(null=True, blank=True)
    reason = models.TextField()
    source = models.CharField(max_length=12, choices=BanSource.choices, default=BanSource.SECURITY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ban")
        indexes = [
            models.Index(fields=["passport_issuing_state", "passport_number"]),
            models.Index(fields=["birth_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(passport_number="") | (~Q(full_name="") & Q(birth_date__isnull=False)),
                name="ban_names_a_person",
            )
        ]

    def __str__(self) -> str:
        return f"ban {self.pk}"

    @property
    def person_label(self) -> str:
        passport = f"{self.passport_issuing_state} {self.passport_number}".strip()
        return " · ".join(part for part in (self.full_name, passport) if part)


class ScreeningOutcome(models.TextChoices):
    CLEAR = "clear", _("Clear")
    REFERRED = "referred", _("Referred")


class Screening(models.Model):
    """One screening of an application against every active list and Masar's records."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="screenings"
    )
    # "STATE:NUMBER" of the applicant's passport: how a person is recognised again.
    person_key = models.CharField(max_length=32, db_index=True)
    outcome = models.CharField(max_length=10, choices=ScreeningOutcome.choices)
    # {"<watchlist id>": <version>} of every list screened against.
    list_versions = models.JSONField(default=dict, blank=True)
    hit_count = models.PositiveIntegerField(default=0)
    suppressed_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-completed_at", "-id"]
        verbose_name = _("screening")

    def __str__(self) -> str:
        return f"screening {self.pk} of {self.application_id}"


class HitKind(models.TextChoices):
    WATCHLIST = "watchlist", _("Watchlist entry")
    BAN = "ban", _("Ban in force")
    PREVIOUS_REFUSAL = "previous_refusal", _("Previous security refusal")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    CLEARED = "cleared", _("Cleared (false positive)")
    CONFIRMED = "confirmed", _("Confirmed (true match)")


class Decision(models.TextChoices):
    FALSE_POSITIVE = "false_positive", _("False positive")
    TRUE_MATCH = "true_match", _("True match")


class RejectionCode(models.TextChoices):
    """Why a true match is refused: the coded reason the application carries."""

    WATCHLIST_MATCH = "watchlist_match", _("Confirmed match on a security watchlist")
    ENTRY_BAN = "entry_ban", _("A ban on entry is in force")
    PREVIOUS_REFUSAL = "previous_refusal", _("Refused before on security grounds")
    IDENTITY_DOUBT = "identity_doubt", _("The applicant's identity could not be established")


class Review(models.Model):
    """A referred application in the interior ministry's queue, with its service-level timer."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="security_reviews"
    )
    screening = models.OneToOneField(Screening, on_delete=models.CASCADE, related_name="review")
    person_key = models.CharField(max_length=32, db_index=True)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    best_score = models.FloatField()
    hit_count = models.PositiveIntegerField()
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)
    reason_code = models.CharField(max_length=20, choices=RejectionCode.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-best_score", "opened_at", "id"]
        verbose_name = _("security review")
        indexes = [
            models.Index(fields=["status", "-best_score", "opened_at"]),
            models.Index(fields=["status", "due_at"]),
            # Every review, whatever its status, in the queue's order (ADR 0126).
            models.Index(fields=["-best_score", "opened_at", "id"], name="review_by_score"),
        ]

    def __str__(self) -> str:
        return f"R-{self.pk}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.PENDING

    def is_overdue(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.is_pending and self.due_at < moment  # type: ignore[operator]


class FalsePositive(models.Model):
    """An analyst's finding that a person is not a list entry (or not the banned person).

    The same person is not raised again for the same entry while the entry keeps the
    revision it had; a version that changes the entry raises it again.
    """

    person_key = models.CharField(max_length=32, db_index=True)
    watchlist = models.ForeignKey(
        Watchlist, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(
        WatchlistEntry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="false_positives",
    )
    entry_revision = models.PositiveIntegerField(null=True, blank=True)
    list_version = models.PositiveIntegerField(null=True, blank=True)
    ban = models.ForeignKey(
        Ban, null=True, blank=True, on_delete=models.CASCADE, related_name="false_positives"
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="false_positives")
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("false positive")
        constraints = [
            models.UniqueConstraint(
                fields=["person_key", "entry", "entry_revision"],
                condition=Q(entry__isnull=False),
                name="false_positive_unique_entry_revision",
            ),
            models.UniqueConstraint(
                fields=["person_key", "ban"],
                condition=Q(ban__isnull=False),
                name="false_positive_unique_ban",
            ),
        ]

    def __str__(self) -> str:
        return f"false positive {self.person_key} / {self.entry_id or self.ban_id}"


class ScreeningHit(models.Model):
    """A possible match found by a screening, with the explanation of its score."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="hits")
    kind = models.CharField(max_length=16, choices=HitKind.choices)
    watchlist = models.ForeignKey(
        Watchlist, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    list_version = models.PositiveIntegerField(null=True, blank=True)
    entry = models.ForeignKey(
        WatchlistEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="hits"
    )
    entry_revision = models.PositiveIntegerField(null=True, blank=True)
    ban = models.ForeignKey(Ban, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    previous_review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.FloatField()
    # The applicant's name as screened (Latin, or the native script) and the name it met.
    query_name = models.CharField(max_length=300, blank=True)
    matched_alias = models.CharField(max_length=500, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    # Set when the hit was found but an analyst had already found it a false positive.
    suppressed_by = models.ForeignKey(
        FalsePositive, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("screening hit")

    def __str__(self) -> str:
        return f"{self.kind} hit {self.score:.1f}"

    @property
    def raised(self) -> bool:
        return self.suppressed_by_id is None
