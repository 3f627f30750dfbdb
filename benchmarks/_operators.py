"""The season, company and agent every write benchmark starts from (written directly: the
operators' own services are not what these benchmarks measure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def bench_operators(*, code: str, opened_days_ago: int = 60) -> tuple[Any, Any, Any]:
    """An open Umrah season (visas since `opened_days_ago - 30` days, entries for 100 more
    days), a licensed company and an Indonesian agent; returns (season, company, agent)."""
    from django.utils import timezone

    from masar.accounts.models import Organization
    from masar.core.dates import riyadh_today
    from masar.operators.models import Agent, Company
    from masar.seasons.models import Season, SeasonRules

    today = riyadh_today()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    season = Season.objects.create(
        code=code,
        kind="umrah",
        hijri_year=1448,
        name_en="Bench",
        name_ar="قياس",
        starts_on=day(-opened_days_ago),
        contracts_due=day(-opened_days_ago + 10),
        visas_from=day(-opened_days_ago + 30),
        last_agent_approval=day(60),
        last_visa_date=day(90),
        last_entry_date=day(100),
        last_exit_date=day(130),
        ends_on=day(160),
    )
    SeasonRules.objects.create(season=season)
    company = Company.objects.create(
        organization=Organization.objects.create(
            kind="company", code="bc", name_en="B", name_ar="ب"
        ),
        licence_number="UMR-B1",
        licence_valid_from=day(-400),
        licence_valid_until=day(400),
        guarantee_amount=Decimal("2000000"),
        guarantee_valid_until=day(400),
        status_changed_at=timezone.now(),
    )
    agent = Agent.objects.create(
        organization=Organization.objects.create(
            kind="agent", code="ba", name_en="A", name_ar="أ", country="IDN"
        ),
        country="IDN",
        licence_number="TRV-B1",
        licence_valid_until=day(400),
    )
    return season, company, agent
