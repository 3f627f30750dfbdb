"""Organizations, the people and machine clients in them, their roles and API tokens."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from masar.accounts.roles import MINISTRY_KINDS, OrganizationKind, Role


class Organization(models.Model):
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices, db_index=True)
    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    country = models.CharField(max_length=3, default="SAU")
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("organization")

    def __str__(self) -> str:
        return self.name_en

    @property
    def is_ministry(self) -> bool:
        return self.kind in MINISTRY_KINDS

    def display_name(self, language: str = "ar") -> str:
        return self.name_ar if language.startswith("ar") and self.name_ar else self.name_en


class User(AbstractUser):
    """A person, or a service account for another agency's system (no password)."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    full_name_ar = models.CharField(max_length=200, blank=True)
    is_service_account = models.BooleanField(default=False)
    preferred_language = models.CharField(max_length=5, default="ar")

    class Meta:
        verbose_name = _("user")

    @property
    def roles(self) -> frozenset[str]:
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.memberships.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_ministry_staff(self) -> bool:
        return self.organization is not None and self.organization.is_ministry

    def display_name(self, language: str | None = None) -> str:
        """The person's name in the page's language: the Arabic name on Arabic pages."""
        language = language or get_language() or "ar"
        if language.startswith("ar") and self.full_name_ar:
            return self.full_name_ar
        return self.get_full_name() or self.full_name_ar or self.username


class Membership(models.Model):
    """A role that a person holds in their organization."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the secret is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Only a service account's token may live without an expiry, and only when asked for.
    long_lived = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(long_lived=True, expires_at__isnull=True)
                | models.Q(long_lived=False, expires_at__isnull=False),
                name="api_token_expiry_or_long_lived",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


class EnrolmentCode(models.Model):
    """A one-time code that lets one person enrol a second-factor device.

    Issued out of band by a supervisor or an administrator, so that a password alone never
    enrols a device. Only its SHA-256 is kept; it expires and is used once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    digest = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    # Set when a newer code, a device reset or too many wrong guesses retire it unused.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"enrolment code for {self.user} ({self.issued_at:%Y-%m-%d})"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.withdrawn_at is None and self.expires_at > now


class RecoveryCode(models.Model):
    """One of the codes a person may type instead of a TOTP code, once each. Hashed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"recovery code of {self.user}"
