"""Loading what the rules need for a group, in a handful of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from masar.applications.eligibility.base import EligibilityContext, age_on
from masar.applications.models import Application, Group
from masar.applications.states import ApplicationStatus
from masar.core.dates import riyadh_today
from masar.operators.models import Contract, ContractStatus
from masar.seasons.models import Quota, QuotaHolder, SeasonRules

ADULT_AGE = 18


def _remaining(quota: Quota | None) -> int | None:
    return None if quota is None else quota.limit - quota.used


def context_for_group(
    group: Group,
    *,
    today: dt.date | None = None,
    passport_keys: Iterable[str] = (),
) -> EligibilityContext:
    """The context of one group: season rules, company standing, contracts, quotas, and
    which of `passport_keys` an active application already holds."""
    today = today or riyadh_today()
    season = group.season
    rules = SeasonRules.objects.get(season=season)
    company = group.company
    contracts = tuple(
        Contract.objects.filter(
            company=company, agent_id=group.agent_id, status=ContractStatus.ACTIVE
        )
    )
    quotas = {
        (q.holder_type, q.company_id or q.agent_id): q
        for q in Quota.objects.filter(season=season).filter(
            Q(holder_type=QuotaHolder.COMPANY, company=company)
            | Q(holder_type=QuotaHolder.AGENT, agent_id=group.agent_id)
        )
    }
    ctx = EligibilityContext(
        today=today,
        season=season,
        rules=rules,
        group=group,
        company=company,
        agent=group.agent,
        contracts=contracts,
        company_problems=tuple(
            company.standing_problems(today, minimum_guarantee=rules.minimum_guarantee_sar)
        ),
        company_quota_remaining=_remaining(quotas.get((QuotaHolder.COMPANY, company.pk))),
        agent_quota_remaining=_remaining(quotas.get((QuotaHolder.AGENT, group.agent_id))),
    )
    ctx.active_passports = active_passports(passport_keys)
    if rules.mahram_rule:
        ctx.group_has_adult_male = group_has_adult_male(group, ctx.arrival)
    return ctx


def active_passports(keys: Iterable[str], *, batch: int = 900) -> set[str]:
    """Which of these passport keys an active application holds (batched IN queries)."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), batch):
        rows = Application.objects.filter(
            active_passport__in=wanted[start : start + batch]
        ).values_list("active_passport", flat=True)
        found.update(key for key in rows if key is not None)
    return found


def group_has_adult_male(group: Group, arrival: dt.date) -> bool:
    births = Application.objects.filter(
        group=group, pilgrim__sex="M", status__in=list(_LIVE)
    ).values_list("pilgrim__birth_date", flat=True)
    return any(age_on(birth, arrival) >= ADULT_AGE for birth in births)


_LIVE = {
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.SCREENING,
    ApplicationStatus.REFERRED,
    ApplicationStatus.DECISION,
    ApplicationStatus.APPROVED,
    ApplicationStatus.ISSUED,
}
