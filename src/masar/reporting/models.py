"""Maintained aggregates of the season's indicators, the paper-process baseline that the
time-saved figure compares against, and the weekly reports that were generated.

The aggregates are derived data: they are recomputed from the recording apps' tables
(applications, visas, screening, border) for a range of days, set-based, by
`services.indicators_refresh`. Nothing else writes them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masar.seasons.models import Season


class Metric(models.TextChoices):
    SUBMITTED = "submitted", _("Applications submitted")
    DECIDED_AUTO = "decided_auto", _("Decided automatically")
    DECIDED_MANUAL = "decided_manual", _("Decided by a person")
    ISSUED = "issued", _("Visas issued")
    ENTRIES = "entries", _("Entries")
    EXITS = "exits", _("Exits")
    STAYS_STARTED = "stays_started", _("Stays started")
    STAYS_ENDED = "stays_ended", _("Stays ended")
    OVERSTAYS = "overstays", _("Overstays detected")
    REVIEWS_OPENED = "reviews_opened", _("Security reviews opened")
    REVIEWS_DECIDED = "reviews_decided", _("Security reviews decided")
    REVIEWS_IN_SLA = "reviews_in_sla", _("Security reviews decided within the service level")


class Measure(models.TextChoices):
    """Durations kept as histograms (seconds, bucketed) for medians and the 90th percentile."""

    DECISION = "decision", _("Submission to decision")
    ISSUANCE = "issuance", _("Submission to issuance")
    REVIEW_WAIT = "review_wait", _("Waiting for a security review")


class Dimension(models.TextChoices):
    TOTAL = "total", _("Total")
    NATIONALITY = "nationality", _("Nationality")
    COMPANY = "company", _("Company")
    AGENT = "agent", _("Agent")
    PORT = "port", _("Port")
    PORT_TYPE = "port_type", _("Port type")
    CITY = "city", _("City")


# `scope` 0 holds the figures of everyone; a company's id holds that company's own.
ALL_SCOPE = 0


class DailyCount(models.Model):
    """How many events of `metric` happened on a kingdom-local `day`, per dimension value."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    metric = models.CharField(max_length=20, choices=Metric.choices)
    scope = models.BigIntegerField(default=ALL_SCOPE)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=40, blank=True)
    count = models.BigIntegerField()

    class Meta:
        verbose_name = _("daily count")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "scope", "metric", "dimension", "key", "day"],
                name="reporting_dailycount_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["season", "scope", "metric", "dimension", "day"],
                name="reporting_dc_lookup",
            ),
            models.Index(fields=["season", "day"], name="reporting_dc_refresh"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.dimension}={self.key}: {self.count}"


class DailyDuration(models.Model):
    """A histogram of durations of `measure` that ended on `day`: `count` durations of at
    least `bucket` seconds and less than the next bucket's lower bound."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    measure = models.CharField(max_length=12, choices=Measure.choices)
    scope = models.BigIntegerField(default=ALL_SCOPE)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=40, blank=True)
    bucket = models.IntegerField()
    count = models.BigIntegerField()

    class Meta:
        verbose_name = _("daily duration histogram")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "scope", "measure", "dimension", "key", "day", "bucket"],
                name="reporting_dailyduration_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["season", "scope", "measure", "dimension", "day"],
                name="reporting_dd_lookup",
            ),
            models.Index(fields=["season", "day"], name="reporting_dd_refresh"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure} {self.dimension}={self.key} [{self.bucket}s]"


class IndicatorRefresh(models.Model):
    """When a season's aggregates were last recomputed, and for which days. Its row is
    locked while a refresh runs, so two refreshes of a season never interleave."""

    season = models.OneToOneField(Season, on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField(null=True, blank=True)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator refresh")

    def __str__(self) -> str:
        return f"{self.season_id}: {self.refreshed_at}"


class PaperBaseline(models.Model):
    """The paper process the time-saved figure compares with (configurable per season;
    the row is created with these defaults when missing)."""

    season = models.OneToOneField(Season, on_delete=models.CASCADE, related_name="+")
    days_end_to_end = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        default=14,
        help_text=_("Days from filing to a visa in the paper process."),
    )
    staff_minutes_per_application = models.PositiveIntegerField(
        default=45, help_text=_("Staff minutes the paper process spent on one application.")
    )
    staff_minutes_per_manual_decision = models.PositiveIntegerField(
        default=10, help_text=_("Staff minutes Masar still needs when a person decides.")
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("paper-process baseline")

    def __str__(self) -> str:
        return f"baseline {self.season_id}"


class WeeklyReport(models.Model):
    """A generated weekly season report (bilingual PDF). Week 1 starts on the season's
    first day."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="+")
    week = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    pdf = models.FileField(upload_to="reports/weekly/")
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-season_id", "-week"]
        verbose_name = _("weekly report")
        constraints = [
            models.UniqueConstraint(fields=["season", "week"], name="reporting_weekly_unique")
        ]

    def __str__(self) -> str:
        return f"{self.season_id} week {self.week}"
