"""Training: programmes of courses, sessions with seats and a waiting list, attendance,
scores, certificates that can be verified, and the roles that require a certificate."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from masar.accounts.roles import Role


class _Bilingual(models.Model):
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)

    class Meta:
        abstract = True

    def display_name(self, language: str = "ar") -> str:
        return self.title_ar if language.startswith("ar") and self.title_ar else self.title_en

    def description(self, language: str = "ar") -> str:
        if language.startswith("ar") and self.description_ar:
            return self.description_ar
        return self.description_en


class Programme(_Bilingual):
    """A group of courses with one aim (e.g. verifying e-visas at the border)."""

    code = models.SlugField(max_length=40, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("training programme")

    def __str__(self) -> str:
        return self.title_en


class Delivery(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class Course(_Bilingual):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="courses")
    code = models.SlugField(max_length=40, unique=True)
    # Roles the course is meant for; empty means anyone may take it.
    audience_roles = models.JSONField(default=list, blank=True)
    duration_hours = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by"
    )
    # Completion: the share of session days attended (percent) and the assessment pass mark
    # (percent; null when the course has no assessment).
    attendance_required_pct = models.PositiveSmallIntegerField(
        default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    pass_mark = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # Months a certificate stays valid; null: it does not expire.
    certificate_validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # A refresher course renews the certificate of the course it names.
    renews = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="refreshers"
    )
    self_enrolment = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme__code", "code"]
        verbose_name = _("course")
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance_required_pct__lte=100)
                & (Q(pass_mark__isnull=True) | Q(pass_mark__lte=100)),
                name="course_percentages_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.title_en

    @property
    def certified_course(self) -> Course:
        """The course whose certificate completing this one gives (a refresher renews)."""
        return self.renews if self.renews_id is not None else self  # type: ignore[return-value]

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.audience_roles]


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CLOSED = "closed", _("Closed (results final)")
    CANCELLED = "cancelled", _("Cancelled")


class Session(models.Model):
    """One run of a course: a trainer, a place or a link, days and times, seats."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_sessions"
    )
    location = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    # The session meets every day from starts_on to ends_on, between the two times
    # (the kingdom's local time).
    starts_on = models.DateField()
    ends_on = models.DateField()
    daily_start = models.TimeField(default=dt.time(9, 0))
    daily_end = models.TimeField(default=dt.time(13, 0))
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    waitlist_capacity = models.PositiveIntegerField(default=50)
    enrolled_count = models.PositiveIntegerField(default=0)
    waitlisted_count = models.PositiveIntegerField(default=0)
    # The next waiting-list ticket; taken under the session's row lock, so it orders arrivals.
    next_ticket = models.PositiveBigIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "daily_start", "id"]
        verbose_name = _("training session")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")) & Q(daily_start__lt=F("daily_end")),
                name="session_times_in_order",
            ),
            models.CheckConstraint(
                condition=Q(enrolled_count__lte=F("capacity")), name="session_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.code} {self.starts_on:%Y-%m-%d}"

    def days(self) -> list[dt.date]:
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + dt.timedelta(days=n) for n in range(count)]

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.enrolled_count, 0)

    def clashes_with(self, other: Session) -> bool:
        """Two sessions clash when their days and their daily hours both overlap."""
        return (
            self.starts_on <= other.ends_on
            and other.starts_on <= self.ends_on
            and self.daily_start < other.daily_end
            and other.daily_start < self.daily_end
        )


class EnrolmentStatus(models.TextChoices):
    WAITLISTED = "waitlisted", _("On the waiting list")
    ENROLLED = "enrolled", _("Enrolled")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", pgettext_lazy("enrolment", "Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")


ACTIVE_ENROLMENT = (EnrolmentStatus.WAITLISTED, EnrolmentStatus.ENROLLED)


class Enrolment(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_enrolments"
    )
    # The person's organization when enrolled: dashboards count by it.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=14, choices=EnrolmentStatus.choices, db_index=True)
    ticket = models.PositiveBigIntegerField()
    score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attendance_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "ticket"]
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~Q(status="cancelled"),
                name="enrolment_one_per_person_and_session",
            ),
            models.UniqueConstraint(fields=["session", "ticket"], name="enrolment_unique_ticket"),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.session} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ENROLMENT


class AttendanceRecord(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField()
    present = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "day"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="attendance_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.day} {'present' if self.present else 'absent'}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    RENEWED = "renewed", _("Replaced by a renewal")
    REVOKED = "revoked", _("Revoked")


class Certificate(models.Model):
    # A short random code printed on the certificate and in its QR code.
    code = models.CharField(max_length=24, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_certificates"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    enrolment = models.OneToOneField(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="certificate"
    )
    # The holder's name as printed when issued.
    holder_name_en = models.CharField(max_length=200)
    holder_name_ar = models.CharField(max_length=200, blank=True)
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    renews_certificate = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        indexes = [models.Index(fields=["holder", "course", "status"])]

    def __str__(self) -> str:
        return self.code

    def is_valid_on(self, day: dt.date) -> bool:
        return self.status == CertificateStatus.VALID and (
            self.valid_until is None or self.valid_until >= day
        )

    def state_on(self, day: dt.date) -> str:
        """valid, expired, renewed or revoked: what the verification page says."""
        if self.status != CertificateStatus.VALID:
            return self.status
        if self.valid_until is not None and self.valid_until < day:
            return "expired"
        return "valid"

    def holder_name(self, language: str = "ar") -> str:
        if language.startswith("ar") and self.holder_name_ar:
            return self.holder_name_ar
        return self.holder_name_en


class CertificateReminder(models.Model):
    """One reminder per certificate per threshold (days before expiry): the sweep is
    idempotent because this row exists before the mail goes."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    threshold_days = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "threshold_days"], name="reminder_one_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} -{self.threshold_days}d"


class RoleRequirement(models.Model):
    """A role whose holders must hold a valid certificate of a course before they act in it."""

    role = models.CharField(max_length=30, choices=Role.choices, db_index=True)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="role_requirements")
    is_active = models.BooleanField(default=True)
    effective_from = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "course"]
        verbose_name = _("role requirement")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "course"], name="requirement_unique_role_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} needs {self.course.code}"
