"""Whereabouts alerts: a pilgrim in the kingdom whom the field events (hotel stays, trips)
do not place where the package's plan says, found by the sweep and answered by the company.

One active alert (open, answered or escalated) per application and kind: a unique partial
index, which also makes the sweep idempotent. The sweep closes an alert once its condition
no longer holds (the pilgrim checked in, boarded, left the kingdom...).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from masar.applications.models import Application, Pilgrim
from masar.lodging.models import Hotel
from masar.operators.models import Agent, Company
from masar.seasons.models import Season


class AlertKind(models.TextChoices):
    NOT_CHECKED_IN = "not_checked_in", _("Not checked in after entry")
    CHECKED_OUT_NO_ONWARD = "checked_out_no_onward", _("Checked out, nowhere to go")
    PAST_PLANNED_NIGHTS = "past_planned_nights", _("Staying past the planned nights")
    OFF_PLAN_CITY = "off_plan_city", _("Seen in a city not on the plan")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the company's answer")
    ANSWERED = "answered", _("Answered")
    ESCALATED = "escalated", _("Escalated to the ministries")
    CLOSED = "closed", pgettext_lazy("alert", "Closed")


#: The statuses of an alert that still stands (at most one per application and kind).
ACTIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.ANSWERED, AlertStatus.ESCALATED)
#: The statuses in which the company may (still) answer.
ANSWERABLE_STATUSES = (AlertStatus.OPEN, AlertStatus.ESCALATED)


class AlertAnswer(models.TextChoices):
    FOUND = "found", _("Found: the pilgrim is where the plan says")
    MOVED = "moved", _("Moved, with a reason")
    ABSCONDED = "absconded", _("Absconded: the company reports the pilgrim missing")


class ClosedReason(models.TextChoices):
    RESOLVED = "resolved", _("The field events place the pilgrim again")
    LEFT = "left", _("The pilgrim left the kingdom")


class WhereaboutsAlert(models.Model):
    """One pilgrim whose whereabouts do not match the plan, with the company's answer."""

    # Constraints (as for overstays, ADR 0079): the application is checked by the database;
    # pilgrim, season, company, agent and hotel are copies the sweep writes in bulk.
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="whereabouts_alerts"
    )
    pilgrim = models.ForeignKey(
        Pilgrim, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    season = models.ForeignKey(
        Season, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    nationality = models.CharField(max_length=3)
    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    city = models.CharField(
        max_length=12, blank=True, help_text=_("Where the pilgrim was last seen, when known.")
    )
    hotel = models.ForeignKey(
        Hotel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    detected_at = models.DateTimeField()
    deadline = models.DateTimeField(help_text=_("The company answers by then, or it escalates."))
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=10, choices=AlertAnswer.choices, blank=True)
    answer_reason = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_late = models.BooleanField(default=False)
    # The compliance violation an absconding report raised (compliance.Violation id).
    violation_ref = models.BigIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=10, choices=ClosedReason.choices, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("whereabouts alert")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=~Q(status="closed"),
                name="whereabouts_one_active_alert",
            )
        ]
        indexes = [
            # The lists: by company, agent or everyone, newest first within a status.
            models.Index(
                fields=["company", "status", "detected_at", "id"], name="wa_alert_company"
            ),
            models.Index(fields=["agent", "status", "detected_at", "id"], name="wa_alert_agent"),
            models.Index(fields=["status", "detected_at", "id"], name="wa_alert_status"),
            # The sweep's escalation: open alerts past their deadline.
            models.Index(
                fields=["deadline"], condition=Q(status="open"), name="wa_alert_open_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert {self.pk} of application {self.application_id}"

    @property
    def is_active(self) -> bool:
        return self.status != AlertStatus.CLOSED

    @property
    def is_answerable(self) -> bool:
        return self.status in ANSWERABLE_STATUSES
