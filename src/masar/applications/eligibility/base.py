"""The machinery of the rules: what a rule is, what it reads and how all of them run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise

from masar.documents import MRZ, MRZFormatError, parse_mrz

if TYPE_CHECKING:
    from masar.applications.models import Group
    from masar.operators.models import Agent, Company, Contract
    from masar.seasons.models import Season, SeasonRules


class PilgrimData(Protocol):
    """What the rules read about a pilgrim: a `Pilgrim` row or a parsed manifest row."""

    surname: str
    given_names: str
    sex: str
    birth_date: dt.date
    nationality: str
    residence_country: str
    passport_number: str
    passport_issuing_state: str
    passport_issue_date: dt.date
    passport_expiry_date: dt.date
    mrz: str
    vaccine_type: str
    vaccine_date: dt.date | None


def passport_key(issuing_state: str, number: str) -> str:
    return f"{issuing_state}:{number}"


@dataclass(frozen=True)
class Failure:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass
class EligibilityContext:
    """Everything the rules need beyond the pilgrim, loaded once for a group."""

    today: dt.date
    season: Season
    rules: SeasonRules
    group: Group
    company: Company
    agent: Agent
    contracts: tuple[Contract, ...] = ()
    company_problems: tuple[str, ...] = ()
    company_quota_remaining: int | None = None
    agent_quota_remaining: int | None = None
    # Passports (passport_key) already held by an active application.
    active_passports: set[str] = field(default_factory=set)
    group_has_adult_male: bool = False
    # What rules registered by other apps load once for the group (keyed by their app).
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def arrival(self) -> dt.date:
        """The planned arrival: the group's inbound flight, else the first day a visa can be
        used (today or the season's first visa day, whichever is later)."""
        if self.group.arrival_date is not None:
            return self.group.arrival_date
        return max(self.today, self.season.visas_from)

    @property
    def departure(self) -> dt.date:
        if self.group.departure_date is not None:
            return self.group.departure_date
        return self.arrival + dt.timedelta(days=self.rules.max_stay_days)

    def is_enabled(self, code: str) -> bool:
        return code not in (self.rules.disabled_rules or ())


@dataclass
class Subject:
    """A pilgrim under evaluation, with what several rules derive from it computed once."""

    pilgrim: PilgrimData
    mrz: MRZ | None
    mrz_problem: str
    age_at_arrival: int


# A rule returns nothing (passes), one message (fails on its own field) or several
# (field, message) pairs.
RuleResult = str | Promise | Iterable[tuple[str, Any]] | None


@dataclass(frozen=True)
class Rule:
    code: str
    field: str
    description: Any  # a lazy translatable string
    check: Callable[[Subject, EligibilityContext], RuleResult]
    # The SeasonRules fields the rule reads (documentation and the API's rule listing).
    settings: tuple[str, ...] = ()


RULES: dict[str, Rule] = {}


def rule(
    code: str, *, field: str, description: Any, settings: tuple[str, ...] = ()
) -> Callable[[Callable[[Subject, EligibilityContext], RuleResult]], Rule]:
    def register(check: Callable[[Subject, EligibilityContext], RuleResult]) -> Rule:
        if code in RULES:
            raise ValueError(f"rule {code!r} is declared twice")
        RULES[code] = Rule(code, field, description, check, settings)
        return RULES[code]

    return register


def age_on(birth: dt.date, day: dt.date) -> int:
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def subject_of(pilgrim: PilgrimData, ctx: EligibilityContext) -> Subject:
    mrz: MRZ | None = getattr(pilgrim, "parsed_mrz", None)  # already parsed by the cleaning
    problem = ""
    if mrz is None:
        try:
            mrz = parse_mrz(pilgrim.mrz or "", today=ctx.today)
        except MRZFormatError as exc:
            problem = str(exc)
    return Subject(pilgrim, mrz, problem, age_on(pilgrim.birth_date, ctx.arrival))


def evaluate(
    pilgrim: PilgrimData, ctx: EligibilityContext, *, skip: frozenset[str] = frozenset()
) -> list[Failure]:
    """Run every rule switched on for the season (less `skip`); return all failures."""
    subject = subject_of(pilgrim, ctx)
    failures: list[Failure] = []
    for code, item in RULES.items():
        if code in skip or not ctx.is_enabled(code):
            continue
        result = item.check(subject, ctx)
        if result is None:
            continue
        if isinstance(result, str | Promise):
            failures.append(Failure(item.field, code, str(result)))
        else:
            failures.extend(Failure(name, code, str(message)) for name, message in result)
    return failures


def failures_as_fields(failures: Iterable[Failure]) -> dict[str, list[dict[str, str]]]:
    """The `fields` of the API's error shape: per field, every rule code and message."""
    fields: dict[str, list[dict[str, str]]] = {}
    for failure in failures:
        fields.setdefault(failure.field, []).append(
            {"code": failure.code, "message": failure.message}
        )
    return fields
