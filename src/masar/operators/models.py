"""Umrah companies, overseas agents and the contracts between them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from masar.accounts.models import Organization


class CompanyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Licence cancelled")


class Company(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="company"
    )
    licence_number = models.CharField(max_length=40, unique=True)
    licence_valid_from = models.DateField()
    licence_valid_until = models.DateField()
    guarantee_amount = models.DecimalField(max_digits=14, decimal_places=2)
    guarantee_valid_until = models.DateField()
    status = models.CharField(
        max_length=12, choices=CompanyStatus.choices, default=CompanyStatus.ACTIVE, db_index=True
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organization__code"]
        verbose_name = _("Umrah company")
        verbose_name_plural = _("Umrah companies")

    def __str__(self) -> str:
        return self.organization.name_en

    def display_name(self, language: str = "ar") -> str:
        return self.organization.display_name(language)

    def standing_problems(self, on: dt.date, *, minimum_guarantee: Decimal) -> list[str]:
        """Codes of what keeps the company from acting on a date; empty when in good standing."""
        problems = []
        if self.status != CompanyStatus.ACTIVE:
            problems.append(f"company_{self.status}")
        if not (self.licence_valid_from <= on <= self.licence_valid_until):
            problems.append("company_licence_invalid")
        if self.guarantee_valid_until < on or self.guarantee_amount < minimum_guarantee:
            problems.append("company_guarantee_invalid")
        return problems


class AgentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BARRED = "barred", _("Barred")


class Agent(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="agent"
    )
    country = models.CharField(max_length=3, db_index=True)
    licence_number = models.CharField(max_length=40)
    licence_valid_until = models.DateField()
    status = models.CharField(
        max_length=10, choices=AgentStatus.choices, default=AgentStatus.ACTIVE, db_index=True
    )
    status_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["organization__code"]
        verbose_name = _("overseas agent")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "licence_number"], name="agent_unique_licence_per_country"
            )
        ]

    def __str__(self) -> str:
        return self.organization.name_en

    def display_name(self, language: str = "ar") -> str:
        return self.organization.display_name(language)


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    TERMINATED = "terminated", _("Terminated")


class Contract(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="contracts")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="contracts")
    countries = models.JSONField(default=list, help_text="ISO 3166 alpha-3 codes covered")
    valid_from = models.DateField()
    valid_until = models.DateField()
    status = models.CharField(
        max_length=12, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    terminated_reason = models.TextField(blank=True)
    registered_at = models.DateTimeField()

    class Meta:
        ordering = ["-valid_until", "id"]
        verbose_name = _("company-agent contract")
        indexes = [models.Index(fields=["company", "agent", "status"])]

    def __str__(self) -> str:
        return f"{self.company} ↔ {self.agent}"

    def covers(self, country: str, on: dt.date) -> bool:
        return (
            self.status == ContractStatus.ACTIVE
            and self.valid_from <= on <= self.valid_until
            and country in self.countries
        )
