"""Seasons (Umrah or Hajj), their calendar in Umm al-Qura dates, typed rules and quotas.

Calendar dates are set in Hijri; each is stored as its Gregorian date (so ordinary date
queries work) and shown in both calendars.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from masar.operators.models import Agent, Company


class SeasonKind(models.TextChoices):
    UMRAH = "umrah", _("Umrah")
    HAJJ = "hajj", _("Hajj")


# The calendar fields of a season, in the order of the journey.
CALENDAR_FIELDS = (
    "starts_on",
    "contracts_due",
    "visas_from",
    "last_agent_approval",
    "last_visa_date",
    "last_entry_date",
    "last_exit_date",
    "ends_on",
)


class Season(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=SeasonKind.choices)
    hijri_year = models.PositiveSmallIntegerField()
    name_en = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)
    starts_on = models.DateField()
    contracts_due = models.DateField()
    visas_from = models.DateField()
    last_agent_approval = models.DateField()
    last_visa_date = models.DateField()
    last_entry_date = models.DateField()
    last_exit_date = models.DateField()
    ends_on = models.DateField()
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("season")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("visas_from"))
                & Q(visas_from__lte=F("last_visa_date"))
                & Q(last_visa_date__lte=F("last_entry_date"))
                & Q(last_entry_date__lte=F("last_exit_date"))
                & Q(last_exit_date__lte=F("ends_on")),
                name="season_calendar_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name_en

    def display_name(self, language: str = "ar") -> str:
        return self.name_ar if language.startswith("ar") else self.name_en


class SeasonRules(models.Model):
    """The rule settings of one season. Every figure of the domain brief is a field here."""

    season = models.OneToOneField(Season, on_delete=models.CASCADE, related_name="rules")
    # Visa
    visa_validity_days = models.PositiveSmallIntegerField(
        default=30, help_text=_("A visa not used for entry within these days of issue lapses.")
    )
    max_stay_days = models.PositiveSmallIntegerField(default=90)
    visa_entries = models.PositiveSmallIntegerField(default=1)
    auto_decision = models.BooleanField(
        default=True, help_text=_("Approve clear applications without a visa officer.")
    )
    decision_sla_hours = models.PositiveSmallIntegerField(
        default=48, help_text=_("Service level of the consular decision queue, in hours.")
    )
    visa_fee_sar = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("300"))
    insurance_share_sar = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("87"))
    # Passport
    passport_validity_months = models.PositiveSmallIntegerField(default=6)
    single_name_allowed = models.BooleanField(default=False)
    # Pilgrim
    minimum_age = models.PositiveSmallIntegerField(default=5)
    vaccination_required = models.BooleanField(default=True)
    vaccination_from_age = models.PositiveSmallIntegerField(default=2)
    vaccination_min_days_before_arrival = models.PositiveSmallIntegerField(default=10)
    vaccine_validity_years_polysaccharide = models.PositiveSmallIntegerField(default=3)
    vaccine_validity_years_conjugate = models.PositiveSmallIntegerField(default=5)
    mahram_rule = models.BooleanField(default=False)
    mahram_rule_max_age = models.PositiveSmallIntegerField(default=45)
    package_required = models.BooleanField(default=True)
    photo_required = models.BooleanField(
        default=False, help_text=_("A photo that passed the portrait checks (or was accepted).")
    )
    overstay_ban_years = models.PositiveSmallIntegerField(default=5)
    hajj_once_every_years = models.PositiveSmallIntegerField(default=5)
    # Operators
    minimum_guarantee_sar = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("2000000")
    )
    # Rules switched off for this season, by stable rule code.
    disabled_rules = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("season rules")

    def __str__(self) -> str:
        return f"rules of {self.season}"


class QuotaHolder(models.TextChoices):
    COMPANY = "company", _("Company")
    AGENT = "agent", _("Agent")
    COUNTRY = "country", _("Country")


class Quota(models.Model):
    """How many applications a company, an agent or (for Hajj) a country may have."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="quotas")
    holder_type = models.CharField(max_length=10, choices=QuotaHolder.choices)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE)
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.CASCADE)
    country = models.CharField(max_length=3, blank=True)
    limit = models.PositiveIntegerField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("quota")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "company"],
                condition=Q(holder_type="company"),
                name="quota_unique_company",
            ),
            models.UniqueConstraint(
                fields=["season", "agent"],
                condition=Q(holder_type="agent"),
                name="quota_unique_agent",
            ),
            models.UniqueConstraint(
                fields=["season", "country"],
                condition=Q(holder_type="country"),
                name="quota_unique_country",
            ),
            models.CheckConstraint(condition=Q(used__lte=F("limit")), name="quota_not_exceeded"),
        ]

    def __str__(self) -> str:
        return f"{self.holder_type} quota {self.used}/{self.limit}"

    @property
    def holder_label(self) -> str:
        if self.holder_type == QuotaHolder.COMPANY and self.company is not None:
            return self.company.organization.code
        if self.holder_type == QuotaHolder.AGENT and self.agent is not None:
            return self.agent.organization.code
        return self.country

    def holder_name(self, language: str | None = None) -> str:
        """Who holds the quota, as a person reads it: the company's or agent's name in the
        page's language (the code is for the API), or the country."""
        language = language or get_language() or "ar"
        holder = self.company if self.holder_type == QuotaHolder.COMPANY else self.agent
        if holder is not None:
            return holder.organization.display_name(language)
        return self.country

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)
