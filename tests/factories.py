"""factory_boy factories for the foundation's models. Apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from masar.accounts.models import Membership, Organization, User
from masar.operators.models import Agent, Company, Contract
from masar.seasons.models import Season, SeasonRules

# The suite's calendar moves with the clock so that it never expires: every date below keeps
# the distance from today that it had on the day it was written (2026-11-25), so "today" is
# always inside the season's visa window and before its last agent approval.
WRITTEN_ON = dt.date(2026, 11, 25)


def shifted(year: int, month: int, day: int) -> dt.date:
    today = dt.datetime.now(dt.UTC).date()
    return dt.date(year, month, day) + (today - WRITTEN_ON)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    kind = "company"
    code = factory.Sequence(lambda n: f"org{n}")
    name_en = factory.LazyAttribute(lambda o: f"Organization {o.code}")
    name_ar = factory.LazyAttribute(lambda o: f"جهة {o.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", "masar-test-pw")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create:
            self.save()
        if create and extracted:
            for role in extracted:
                Membership.objects.get_or_create(user=self, role=role)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    organization = factory.SubFactory(OrganizationFactory, kind="company")
    licence_number = factory.Sequence(lambda n: f"UMR-T{n:04d}")
    licence_valid_from = shifted(2024, 1, 1)
    licence_valid_until = shifted(2029, 12, 31)
    guarantee_amount = Decimal("2000000")
    guarantee_valid_until = shifted(2029, 12, 31)
    status_changed_at = factory.LazyFunction(timezone.now)


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    organization = factory.SubFactory(
        OrganizationFactory, kind="agent", country=factory.SelfAttribute("..country")
    )
    country = "IDN"
    licence_number = factory.Sequence(lambda n: f"TRV-{n:05d}")
    licence_valid_until = shifted(2029, 6, 30)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    company = factory.SubFactory(CompanyFactory)
    agent = factory.SubFactory(AgentFactory)
    countries = factory.LazyAttribute(lambda o: [o.agent.country])
    valid_from = shifted(2026, 4, 18)
    valid_until = shifted(2027, 5, 6)
    registered_at = factory.LazyFunction(timezone.now)


class SeasonFactory(factory.django.DjangoModelFactory):
    """Umrah 1448H with the calendar pattern of the domain brief."""

    class Meta:
        model = Season
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"umrah-1448-{n}")
    kind = "umrah"
    hijri_year = 1448
    name_en = "Umrah season 1448 AH"
    name_ar = "موسم العمرة 1448هـ"
    starts_on = shifted(2026, 4, 18)
    contracts_due = shifted(2026, 5, 16)
    visas_from = shifted(2026, 5, 31)
    last_agent_approval = shifted(2027, 1, 9)
    last_visa_date = shifted(2027, 3, 9)
    last_entry_date = shifted(2027, 3, 23)
    last_exit_date = shifted(2027, 4, 8)
    ends_on = shifted(2027, 5, 6)

    @factory.post_generation
    def rules(self, create: bool, extracted: dict[str, Any] | None, **kwargs: Any) -> None:
        if create:
            SeasonRules.objects.create(season=self, **(extracted or {}))
