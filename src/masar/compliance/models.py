"""Operator compliance: the violation catalogue and its penalty schedule per season, violations
with evidence, the penalty ladder and its written notices, fines (invoices, payments, the
bank-guarantee ledger), appeals and quarterly ratings.

Border records (stays, overstays, escape notices) are referred to by id, not by foreign key:
compliance migrates independently of the border app and never blocks its schema changes
(docs/adr/0080-compliance-references-border-by-id.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from masar.operators.models import Agent, Company
from masar.seasons.models import Season

ZERO = Decimal("0.00")


class ViolationType(models.TextChoices):
    OVERSTAY = "overstay", _("Overstay")
    UNREPORTED_OVERSTAY = "unreported_overstay", _("Unreported overstay")
    LATE_ESCAPE_NOTICE = "late_escape_notice", _("Late escape notice")
    SERVICES_NOT_DELIVERED = "services_not_delivered", _("Services not delivered as in the package")
    BORDER_DATA_ERROR = "border_data_error", _("Data errors found at the border")
    COMPLAINT_UPHELD = "complaint_upheld", _("Complaint upheld")
    ABSCONDED = "absconded", _("Pilgrim reported absconded")


# Types raised by the system from border records; the others are raised by inspectors.
AUTOMATIC_TYPES = frozenset(
    {
        ViolationType.OVERSTAY,
        ViolationType.UNREPORTED_OVERSTAY,
        ViolationType.LATE_ESCAPE_NOTICE,
        ViolationType.ABSCONDED,
    }
)


class CompanyClass(models.TextChoices):
    A = "A", _("Class A")
    B = "B", _("Class B")
    C = "C", _("Class C")
    D = "D", _("Class D")


CLASS_ORDER = ["A", "B", "C", "D"]


class SuspensionMode(models.TextChoices):
    PERIOD = "period", _("For a period")
    UNTIL_LEFT = "until_left", _("Until its overstayers have left")


class ComplianceRules(models.Model):
    """The compliance settings of one season. Every threshold and amount lives here or in
    the season's penalty schedule; none is written in the code."""

    season = models.OneToOneField(Season, on_delete=models.CASCADE, related_name="compliance_rules")
    # The ladder: an overstay rate (percent of pilgrims entered) or points reaching a step.
    investigation_rate_pct = models.DecimalField(
        _("investigation from overstay rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
    )
    warning_rate_pct = models.DecimalField(
        _("warning from overstay rate (%)"), max_digits=5, decimal_places=2, default=Decimal("2.00")
    )
    quota_cut_rate_pct = models.DecimalField(
        _("quota cut from overstay rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3.00"),
    )
    suspension_rate_pct = models.DecimalField(
        _("suspension from overstay rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
    )
    cancellation_rate_pct = models.DecimalField(
        _("licence cancellation from overstay rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
    )
    investigation_points = models.PositiveIntegerField(_("investigation from points"), default=50)
    warning_points = models.PositiveIntegerField(_("warning from points"), default=100)
    quota_cut_points = models.PositiveIntegerField(_("quota cut from points"), default=200)
    suspension_points = models.PositiveIntegerField(_("suspension from points"), default=400)
    cancellation_points = models.PositiveIntegerField(
        _("licence cancellation from points"), default=1000
    )
    minimum_entered = models.PositiveIntegerField(
        _("minimum pilgrims entered"),
        default=1,
        help_text=_("The rate counts only once this many pilgrims have entered."),
    )
    warning_cure_days = models.PositiveSmallIntegerField(
        _("cure period of a warning (days)"), default=30
    )
    quota_cut_pct = models.DecimalField(
        _("quota cut (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    suspension_mode = models.CharField(
        _("suspension lasts"),
        max_length=12,
        choices=SuspensionMode.choices,
        default=SuspensionMode.PERIOD,
    )
    suspension_days = models.PositiveSmallIntegerField(_("suspension period (days)"), default=180)
    agent_bar_rate_pct = models.DecimalField(
        _("agent bar from the agent's overstay rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
    )
    agent_bar_min_overstayers = models.PositiveIntegerField(
        _("agent bar from overstayers"), default=3
    )
    # Escape notices: a notice filed this many hours after its deadline is late.
    notice_grace_hours = models.PositiveSmallIntegerField(
        _("grace after the escape-notice deadline (hours)"), default=0
    )
    # Money.
    fine_due_days = models.PositiveSmallIntegerField(_("days to pay a fine"), default=30)
    guarantee_draw_after_days = models.PositiveSmallIntegerField(
        _("days past due before the guarantee is drawn"),
        default=0,
        help_text=_("Days after the due date before an unpaid fine is drawn."),
    )
    guarantee_draw_enabled = models.BooleanField(
        _("draw unpaid fines from the bank guarantee"), default=True
    )
    # Quarterly rating.
    rating_compliance_weight_pct = models.PositiveSmallIntegerField(
        _("weight of compliance in the rating (%)"), default=70
    )
    rating_rate_penalty_per_pct = models.DecimalField(
        _("rating penalty per percent of overstay"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("10.00"),
        help_text=_("Compliance points lost per percent of overstay rate."),
    )
    rating_points_penalty = models.DecimalField(
        _("rating penalty per point"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0.10"),
        help_text=_("Compliance points lost per violation point."),
    )
    class_up_pct = models.DecimalField(
        _("class up from rating (%)"), max_digits=5, decimal_places=2, default=Decimal("90.00")
    )
    class_down_pct = models.DecimalField(
        _("class down below rating (%)"), max_digits=5, decimal_places=2, default=Decimal("70.00")
    )
    initial_class = models.CharField(
        _("initial class"), max_length=1, choices=CompanyClass.choices, default="B"
    )

    class Meta:
        verbose_name = _("compliance rules")

    def __str__(self) -> str:
        return f"compliance rules of {self.season}"


# Defaults of the penalty schedule, copied into each season's schedule when it is created;
# ministry staff change the season's rows, never this table.
DEFAULT_SCHEDULE: dict[str, tuple[Decimal, int, bool]] = {
    ViolationType.OVERSTAY: (Decimal("25000.00"), 10, True),
    ViolationType.UNREPORTED_OVERSTAY: (Decimal("25000.00"), 20, True),
    ViolationType.LATE_ESCAPE_NOTICE: (Decimal("5000.00"), 5, False),
    ViolationType.SERVICES_NOT_DELIVERED: (Decimal("10000.00"), 10, False),
    ViolationType.BORDER_DATA_ERROR: (Decimal("2000.00"), 2, True),
    ViolationType.COMPLAINT_UPHELD: (Decimal("5000.00"), 5, False),
    # An absconding report on a whereabouts alert weighs as an overstay does.
    ViolationType.ABSCONDED: (Decimal("25000.00"), 10, True),
}


class PenaltySchedule(models.Model):
    """What a violation of one type costs in one season."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="penalty_schedule")
    violation_type = models.CharField(max_length=30, choices=ViolationType.choices)
    fine_sar = models.DecimalField(max_digits=12, decimal_places=2)
    points = models.PositiveIntegerField()
    agent_charged = models.BooleanField(
        default=False, help_text=_("The agent is charged the same fine as the company.")
    )

    class Meta:
        ordering = ["season", "violation_type"]
        verbose_name = _("penalty schedule")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "violation_type"], name="compliance_schedule_unique_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.violation_type}: {self.fine_sar} SAR, {self.points} points"


class ViolationSource(models.TextChoices):
    AUTOMATIC = "automatic", _("Raised automatically")
    INSPECTOR = "inspector", _("Raised by an inspector")


class ViolationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    APPEALED = "appealed", _("Under appeal")
    REDUCED = "reduced", _("Reduced on appeal")
    UPHELD = "upheld", _("Upheld on appeal")
    CANCELLED = "cancelled", _("Cancelled on appeal")


class Violation(models.Model):
    number = models.CharField(max_length=20, unique=True)
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="violations")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="violations")
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.PROTECT, related_name="violations"
    )
    violation_type = models.CharField(max_length=30, choices=ViolationType.choices, db_index=True)
    source = models.CharField(max_length=10, choices=ViolationSource.choices)
    status = models.CharField(
        max_length=10, choices=ViolationStatus.choices, default=ViolationStatus.OPEN, db_index=True
    )
    # The border overstay behind an automatic violation (border.Overstay id).
    overstay_ref = models.BigIntegerField(null=True, blank=True)
    application_ref = models.BigIntegerField(null=True, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    occurred_on = models.DateField()
    description = models.TextField(blank=True)
    fine_sar = models.DecimalField(max_digits=12, decimal_places=2)
    points = models.PositiveIntegerField()
    agent_charged = models.BooleanField(default=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    batch = models.CharField(max_length=36, blank=True, db_index=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("violation")
        constraints = [
            models.UniqueConstraint(
                fields=["violation_type", "overstay_ref"],
                condition=Q(overstay_ref__isnull=False),
                name="compliance_one_violation_per_overstay_and_type",
            )
        ]
        indexes = [models.Index(fields=["company", "season", "status"])]

    def __str__(self) -> str:
        return self.number

    @property
    def counts(self) -> bool:
        return self.status != ViolationStatus.CANCELLED


class ViolationEvidence(models.Model):
    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="compliance/evidence/%Y/%m/")
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PenaltyStep(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    WARNING = "warning", _("Warning")
    QUOTA_CUT = "quota_cut", _("Quota cut")
    SUSPENSION = "suspension", _("Suspension")
    CANCELLATION = "cancellation", _("Licence cancellation")
    AGENT_BAR = "agent_bar", _("Bar on an agent")


# The company ladder, lowest step first.
LADDER = [
    PenaltyStep.INVESTIGATION,
    PenaltyStep.WARNING,
    PenaltyStep.QUOTA_CUT,
    PenaltyStep.SUSPENSION,
    PenaltyStep.CANCELLATION,
]


class PenaltyStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("penalty", "Active")
    LIFTED = "lifted", _("Lifted")
    CANCELLED = "cancelled", _("Cancelled on appeal")


#: The reason the ladder gives for a step it takes.
LADDER_REASON = _("%(step)s: overstay rate %(rate)s%%, %(points)d points")


class Penalty(models.Model):
    """One step of the ladder taken against a company (or a bar on one of its agents)."""

    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="penalties")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="penalties")
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.PROTECT, related_name="penalties"
    )
    step = models.CharField(max_length=15, choices=PenaltyStep.choices)
    status = models.CharField(
        max_length=10, choices=PenaltyStatus.choices, default=PenaltyStatus.ACTIVE, db_index=True
    )
    automatic = models.BooleanField(default=True)
    reason = models.TextField()
    # The figures that triggered it: rate, points, entered, overstayers.
    trigger = models.JSONField(default=dict)
    # What the step changed (e.g. the quota limit before a cut), to undo it when lifted.
    effect = models.JSONField(default=dict)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imposed_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-imposed_at", "-id"]
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "company", "step"],
                condition=Q(status="active", agent__isnull=True),
                name="compliance_one_active_step_per_company",
            ),
            models.UniqueConstraint(
                fields=["season", "agent", "step"],
                condition=Q(status="active", agent__isnull=False),
                name="compliance_one_active_bar_per_agent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} of {self.company_id}"

    def reason_text(self) -> str:
        """The reason in the page's language. The ladder's own reason (step, rate, points)
        is stored in English for the record and written again from the figures it keeps;
        a reason an officer typed is shown as typed."""
        rate, points = self.trigger.get("rate_pct"), self.trigger.get("points")
        if rate is None or points is None:
            return self.reason
        figures = {"rate": rate, "points": points}
        with translation.override("en"):
            english = LADDER_REASON % {"step": PenaltyStep(self.step).label, **figures}
        if self.reason != english:
            return self.reason
        return str(LADDER_REASON) % {"step": PenaltyStep(self.step).label, **figures}


class NoticeKind(models.TextChoices):
    VIOLATION = "violation", _("Violation")
    PENALTY = "penalty", _("Penalty")
    PENALTY_LIFTED = "penalty_lifted", _("Penalty lifted")
    INVOICE = "invoice", _("Fine")
    GUARANTEE = "guarantee", _("Bank guarantee")
    APPEAL = "appeal", _("Appeal decision")
    RATING = "rating", _("Quarterly rating")


class Notice(models.Model):
    """A written notice to a company: what happened, why, and what it must do."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="notices")
    season = models.ForeignKey(Season, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=15, choices=NoticeKind.choices)
    subject_en = models.CharField(max_length=200)
    subject_ar = models.CharField(max_length=200)
    body_en = models.TextField()
    body_ar = models.TextField()
    penalty = models.ForeignKey(Penalty, null=True, blank=True, on_delete=models.PROTECT)
    violation = models.ForeignKey(Violation, null=True, blank=True, on_delete=models.PROTECT)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.subject_en

    def subject(self, language: str = "ar") -> str:
        return self.subject_ar if language.startswith("ar") else self.subject_en

    def body(self, language: str = "ar") -> str:
        return self.body_ar if language.startswith("ar") else self.body_en


class Payer(models.TextChoices):
    COMPANY = "company", _("Company")
    AGENT = "agent", _("Agent")


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(models.Model):
    """A fine: owed by the company (or its agent when the schedule charges it too)."""

    number = models.CharField(max_length=20, unique=True)
    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="invoices")
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="invoices")
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    payer = models.CharField(max_length=10, choices=Payer.choices, default=Payer.COMPANY)
    amount_sar = models.DecimalField(max_digits=12, decimal_places=2)
    paid_sar = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    status = models.CharField(
        max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN, db_index=True
    )
    issued_at = models.DateTimeField()
    due_on = models.DateField(db_index=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["violation", "payer"], name="compliance_invoice_per_payer"
            ),
            models.CheckConstraint(
                condition=Q(paid_sar__lte=models.F("amount_sar")),
                name="compliance_invoice_not_overpaid",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding_sar(self) -> Decimal:
        return max(self.amount_sar - self.paid_sar, ZERO)


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    GUARANTEE = "guarantee", _("Drawn from the bank guarantee")


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount_sar = models.DecimalField(max_digits=12, decimal_places=2)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField()

    class Meta:
        ordering = ["paid_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "reference"],
                condition=~Q(reference=""),
                name="compliance_payment_reference_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount_sar} on {self.invoice_id}"


class GuaranteeEntryKind(models.TextChoices):
    DRAW = "draw", _("Drawn for an unpaid fine")
    RESTORE = "restore", _("Restored")


class GuaranteeEntry(models.Model):
    """The bank-guarantee ledger: append-only. The balance is the company's guaranteed amount
    plus the sum of its entries (draws are negative)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="guarantee_entries")
    kind = models.CharField(max_length=10, choices=GuaranteeEntryKind.choices)
    amount_sar = models.DecimalField(max_digits=14, decimal_places=2)
    balance_after_sar = models.DecimalField(max_digits=14, decimal_places=2)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_sar}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("appeal", "Pending")
    UPHELD = "upheld", _("Upheld")
    REDUCED = "reduced", _("Reduced")
    CANCELLED = "cancelled", _("Cancelled")


class Appeal(models.Model):
    """A company's appeal against a violation or a penalty. Decisions: `upheld` keeps it,
    `reduced` lowers the fine and points, `cancelled` annuls it."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="appeals")
    violation = models.ForeignKey(
        Violation, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    penalty = models.ForeignKey(
        Penalty, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    statement = models.TextField()
    status = models.CharField(
        max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING, db_index=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    reduced_fine_sar = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reduced_points = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(violation__isnull=False, penalty__isnull=True)
                | Q(violation__isnull=True, penalty__isnull=False),
                name="compliance_appeal_one_subject",
            ),
            models.UniqueConstraint(
                fields=["violation"],
                condition=Q(status="pending", violation__isnull=False),
                name="compliance_one_pending_appeal_per_violation",
            ),
            models.UniqueConstraint(
                fields=["penalty"],
                condition=Q(status="pending", penalty__isnull=False),
                name="compliance_one_pending_appeal_per_penalty",
            ),
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk} of {self.company_id}"


class AppealFile(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="compliance/appeals/%Y/%m/")
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class SatisfactionScore(models.Model):
    """A pilgrim satisfaction survey score of one company for one quarter (imported)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="satisfaction")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    score_pct = models.DecimalField(max_digits=5, decimal_places=2)
    responses = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "-quarter", "company"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "year", "quarter"], name="compliance_one_score_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.year}Q{self.quarter}: {self.score_pct}"


class QuarterRating(models.Model):
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    overstay_rate_pct = models.DecimalField(max_digits=6, decimal_places=2)
    points = models.PositiveIntegerField()
    compliance_pct = models.DecimalField(max_digits=5, decimal_places=2)
    satisfaction_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    rating_pct = models.DecimalField(max_digits=5, decimal_places=2)
    class_before = models.CharField(max_length=1, choices=CompanyClass.choices)
    class_after = models.CharField(max_length=1, choices=CompanyClass.choices)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "-quarter", "company"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "company", "year", "quarter"],
                name="compliance_one_rating_per_quarter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.year}Q{self.quarter}: {self.rating_pct}"

    @property
    def movement(self) -> int:
        """+1 up a class, -1 down, 0 unchanged."""
        return CLASS_ORDER.index(self.class_before) - CLASS_ORDER.index(self.class_after)
