"""The border e-track: ports, crossings, stays (with the stay calculator's results), overstays,
escape notices, the season's border rules and carrier checks.

Kingdom local time (settings.TIME_ZONE, Asia/Riyadh) decides what "a day" is: a permitted
departure date is the last kingdom-local day on which the exit is allowed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masar.accounts.models import Organization
from masar.applications.models import Application
from masar.operators.models import Agent, Company
from masar.seasons.models import Season
from masar.visas.models import Visa


class PortType(models.TextChoices):
    AIR = "air", _("Airport")
    LAND = "land", _("Land port")
    SEA = "sea", _("Sea port")


class Port(models.Model):
    """A border crossing point: IATA code for airports, own codes for land and sea ports."""

    code = models.CharField(max_length=8, unique=True)
    icao_code = models.CharField(max_length=4, blank=True)
    name_en = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)
    port_type = models.CharField(max_length=4, choices=PortType.choices)
    city = models.CharField(max_length=60, help_text=_("English city name, e.g. Jeddah."))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("port")

    def __str__(self) -> str:
        return self.code

    def display_name(self, language: str = "ar") -> str:
        return self.name_ar if language.startswith("ar") else self.name_en


class Terminal(models.Model):
    port = models.ForeignKey(Port, on_delete=models.CASCADE, related_name="terminals")
    code = models.CharField(max_length=12)
    name_en = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)

    class Meta:
        ordering = ["port", "code"]
        verbose_name = _("terminal")
        constraints = [
            models.UniqueConstraint(fields=["port", "code"], name="terminal_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.port.code}/{self.code}"


class Lane(models.Model):
    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="lanes")
    code = models.CharField(max_length=12)

    class Meta:
        ordering = ["terminal", "code"]
        verbose_name = _("lane")
        constraints = [
            models.UniqueConstraint(fields=["terminal", "code"], name="lane_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.terminal}/{self.code}"


class PortAssignment(models.Model):
    """A border officer posted at a port, from `assigned_at` until `ended_at`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="port_assignments"
    )
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        verbose_name = _("port assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "port"],
                condition=Q(ended_at__isnull=True),
                name="port_assignment_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.port_id}"


class Direction(models.TextChoices):
    ENTRY = "entry", _("Entry")
    EXIT = "exit", _("Exit")


class CrossingOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class CrossingSource(models.TextChoices):
    OFFICER = "officer", _("Officer")
    GATE = "gate", _("Automatic gate")
    API = "api", _("System API")


class Crossing(models.Model):
    """One entry or exit presented at a port, accepted or refused, at its original time.

    `document_refusal` is the refusal code of the document checks (visa, seal, window), fixed
    when the crossing is received; `outcome`/`refusal_code` are the result once the
    application's crossings are applied in time order (a late event can revise them).
    """

    client_event_id = models.CharField(max_length=64, unique=True)
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="crossings")
    lane = models.ForeignKey(
        Lane, null=True, blank=True, on_delete=models.SET_NULL, related_name="crossings"
    )
    direction = models.CharField(max_length=5, choices=Direction.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=8, choices=CrossingOutcome.choices)
    refusal_code = models.CharField(max_length=40, blank=True)
    document_refusal = models.CharField(max_length=40, blank=True)
    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="crossings",
    )
    visa = models.ForeignKey(
        Visa, null=True, blank=True, on_delete=models.PROTECT, related_name="crossings"
    )
    passport_number = models.CharField(max_length=20, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    season = models.ForeignKey(
        Season, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        max_length=8, choices=CrossingSource.choices, default=CrossingSource.OFFICER
    )

    class Meta:
        ordering = ["occurred_at", "client_event_id"]
        verbose_name = _("crossing")
        indexes = [
            models.Index(fields=["application", "occurred_at"]),
            models.Index(fields=["port", "occurred_at"]),
            models.Index(fields=["company", "occurred_at"]),
            models.Index(fields=["agent", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.client_event_id}"


class Stay(models.Model):
    """One accepted entry and, once the pilgrim has left, the exit: the stay calculator's
    permitted departure (at entry) and days stayed / overstayed (at exit), kept."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="stays")
    visa = models.ForeignKey(Visa, on_delete=models.PROTECT, related_name="stays")
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+")
    nationality = models.CharField(max_length=3)
    entry_crossing = models.OneToOneField(
        Crossing, on_delete=models.PROTECT, related_name="entry_stay"
    )
    entry_port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()
    permitted_departure = models.DateField(
        help_text=_("The last kingdom-local day on which the exit is allowed.")
    )
    exit_crossing = models.OneToOneField(
        Crossing, null=True, blank=True, on_delete=models.PROTECT, related_name="exit_stay"
    )
    exit_port = models.ForeignKey(
        Port, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exited_at = models.DateTimeField(null=True, blank=True)
    days_stayed = models.PositiveIntegerField(null=True, blank=True)
    overstay_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("stay")
        indexes = [
            # The sweep and "due to leave" read open stays by permitted departure (the list
            # in that order, then by entry: ADR 0125).
            models.Index(
                fields=["permitted_departure", "entered_at", "id"],
                condition=Q(exited_at__isnull=True),
                name="stay_open_by_departure",
            ),
            # An operator's "due to leave" and its capped count: its own open stays in that
            # order, not everyone's filtered down to its own (ADR 0126).
            models.Index(
                fields=["company", "permitted_departure", "entered_at", "id"],
                condition=Q(exited_at__isnull=True),
                name="stay_open_company_departure",
            ),
            models.Index(
                fields=["agent", "permitted_departure", "entered_at", "id"],
                condition=Q(exited_at__isnull=True),
                name="stay_open_agent_departure",
            ),
            # An operator's "in the country" filtered by nationality (ADR 0126).
            models.Index(
                fields=["company", "nationality", "entered_at", "id"],
                condition=Q(exited_at__isnull=True),
                name="stay_open_company_nationality",
            ),
            models.Index(
                fields=["agent", "nationality", "entered_at", "id"],
                condition=Q(exited_at__isnull=True),
                name="stay_open_agent_nationality",
            ),
            # "In the country": open stays, newest entry first, for everyone, a company, an
            # agent or a nationality; partial, so a stay leaves them when its pilgrim leaves.
            models.Index(
                fields=["entered_at", "id"],
                condition=Q(exited_at__isnull=True),
                name="stay_open_by_entry",
            ),
            models.Index(
                fields=["company", "entered_at", "id"],
                condition=Q(exited_at__isnull=True),
                name="stay_open_company_entry",
            ),
            models.Index(
                fields=["agent", "entered_at", "id"],
                condition=Q(exited_at__isnull=True),
                name="stay_open_agent_entry",
            ),
            models.Index(
                fields=["nationality", "entered_at", "id"],
                condition=Q(exited_at__isnull=True),
                name="stay_open_nationality_entry",
            ),
            models.Index(fields=["company", "exited_at"]),
            models.Index(fields=["agent", "exited_at"]),
            models.Index(fields=["season", "exited_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_at__isnull=True) | Q(exited_at__gte=models.F("entered_at")),
                name="stay_exit_after_entry",
            )
        ]

    def __str__(self) -> str:
        return f"stay {self.pk} of application {self.application_id}"

    @property
    def is_open(self) -> bool:
        return self.exited_at is None


class OverstayStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Overstay(models.Model):
    """A pilgrim still in the kingdom after the permitted departure (found by the sweep)."""

    # Indexes (ADR 0078): the sweep writes thousands of these at once; the foreign keys that
    # lead a `(x, status)` index have none of their own, and the status has no pattern twin.
    # Constraints (ADR 0079): only `stay` is checked by the database. The application,
    # season, company and agent are copies of the stay's own, which the stay's foreign keys
    # already guard (and the stay cannot go while its overstay exists); checking them again
    # cost the sweep's commit four deferred checks and row locks per overstayer.
    stay = models.OneToOneField(Stay, on_delete=models.PROTECT, related_name="overstay")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="overstays", db_constraint=False
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
    permitted_departure = models.DateField()
    detected_on = models.DateField(help_text=_("Kingdom-local day of the sweep."))
    detected_at = models.DateTimeField()
    notice_due_at = models.DateTimeField(help_text=_("Deadline of the company's escape notice."))
    status = models.CharField(
        max_length=6, choices=OverstayStatus.choices, default=OverstayStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    days_overstayed = models.PositiveIntegerField(null=True, blank=True)
    escape_notice_filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("overstay")
        indexes = [
            # The lists read each scope's overstays in their order (oldest permitted
            # departure first) and stop at a page (ADR 0126); the same leading columns as
            # the `(x, status)` indexes they replace.
            models.Index(
                fields=["status", "permitted_departure", "id"], name="overstay_status_departure"
            ),
            models.Index(
                fields=["company", "status", "permitted_departure", "id"],
                name="overstay_company_departure",
            ),
            models.Index(
                fields=["agent", "status", "permitted_departure", "id"],
                name="overstay_agent_departure",
            ),
            models.Index(fields=["season", "status"]),
            # The API's order (newest detection first), for everyone and for each scope.
            models.Index(fields=["detected_at", "id"], name="overstay_detected"),
            models.Index(fields=["company", "detected_at", "id"], name="overstay_company_detected"),
            models.Index(fields=["agent", "detected_at", "id"], name="overstay_agent_detected"),
        ]

    def __str__(self) -> str:
        return f"overstay {self.pk} of application {self.application_id}"


def evidence_path(instance: EscapeNotice, filename: str) -> str:
    return f"border/escape-notices/{instance.overstay_id}/{filename}"


class EscapeNotice(models.Model):
    """The company's report that its pilgrim absconded, with evidence; `late` when filed
    after the overstay's `notice_due_at`."""

    overstay = models.OneToOneField(
        Overstay, on_delete=models.PROTECT, related_name="escape_notice"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(default=timezone.now)
    statement = models.TextField()
    evidence = models.FileField(upload_to=evidence_path)
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("escape notice")

    def __str__(self) -> str:
        return f"escape notice for overstay {self.overstay_id}"


class BorderRules(models.Model):
    """The border settings of one season (created with the defaults when missing)."""

    season = models.OneToOneField(Season, on_delete=models.CASCADE, related_name="border_rules")
    escape_notice_hours = models.PositiveSmallIntegerField(
        default=24, help_text=_("Hours the company has to file an escape notice.")
    )
    entry_opens_days_before_visa = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Entry is allowed from the visa's first day minus these days."),
    )

    class Meta:
        verbose_name = _("border rules")

    def __str__(self) -> str:
        return f"border rules of {self.season}"


class CarrierResult(models.TextChoices):
    OK = "ok", _("OK to board")
    NOT_OK = "not_ok", _("Not OK to board")


class CarrierCheck(models.Model):
    """One check by an airline or carrier before boarding: only OK / NOT OK with a code is
    answered; the passport is kept hashed, never in clear."""

    carrier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    flight = models.CharField(max_length=12)
    departure_date = models.DateField(null=True, blank=True)
    arrival_port = models.CharField(max_length=8, blank=True)
    passport_digest = models.CharField(max_length=64)
    nationality = models.CharField(max_length=3, blank=True)
    result = models.CharField(max_length=6, choices=CarrierResult.choices)
    code = models.CharField(max_length=40)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("carrier check")
        indexes = [models.Index(fields=["carrier", "checked_at"])]

    def __str__(self) -> str:
        return f"{self.flight} {self.result}"
