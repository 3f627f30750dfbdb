"""The eligibility rules of the domain brief, in the order their failures are reported.

Each rule is a function of the pilgrim (`Subject`) and the group's `EligibilityContext`,
registered under a stable code. Figures come from the season's `SeasonRules`; a season
switches a rule off by listing its code in `SeasonRules.disabled_rules`.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from masar.applications.eligibility.base import (
    EligibilityContext,
    RuleResult,
    Subject,
    passport_key,
    rule,
)
from masar.documents import format_name

PASSPORT_TD3 = "TD3"


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def _d(day: dt.date) -> str:
    return date_format(day, "Y-m-d")


# --- Passport --------------------------------------------------------------------------


@rule(
    "passport_mrz_valid",
    field="mrz",
    description=_("The passport's MRZ is a valid ICAO 9303 passport zone (TD3, check digits)."),
)
def passport_mrz_valid(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if s.mrz is None:
        return gettext("The MRZ cannot be read: %(problem)s") % {"problem": s.mrz_problem}
    if s.mrz.format != PASSPORT_TD3:
        return gettext("The MRZ is a %(format)s zone, not a passport's (TD3).") % {
            "format": s.mrz.format
        }
    if not s.mrz.valid:
        problems = "; ".join(f"{e.field}: {e.message}" for e in s.mrz.errors)
        return gettext("The MRZ is not valid: %(problems)s") % {"problems": problems}
    return None


@rule(
    "passport_mrz_matches",
    field="mrz",
    description=_("The typed passport data agree with the MRZ."),
)
def passport_mrz_matches(s: Subject, ctx: EligibilityContext) -> RuleResult:
    mrz, p = s.mrz, s.pilgrim
    if mrz is None or mrz.format != PASSPORT_TD3:
        return None  # passport_mrz_valid reports it
    pairs = [
        ("passport_number", p.passport_number, mrz.document_number),
        ("passport_issuing_state", p.passport_issuing_state, mrz.issuing_state),
        ("nationality", p.nationality, mrz.nationality),
        ("birth_date", p.birth_date, mrz.birth_date),
        ("sex", p.sex, mrz.sex),
        ("passport_expiry_date", p.passport_expiry_date, mrz.expiry_date),
    ]
    out: list[tuple[str, str]] = []
    for name, typed, read in pairs:
        if read is not None and typed != read:
            out.append(
                (
                    name,
                    gettext("%(typed)s was typed but the MRZ says %(read)s.")
                    % {"typed": typed, "read": read},
                )
            )
    try:
        expected = format_name(p.surname, p.given_names, 39)
    except ValueError:
        out.append(("surname", gettext("The name cannot be written in the MRZ's Latin letters.")))
    else:
        if len(mrz.lines[0]) == 44 and mrz.lines[0][5:] != expected:
            out.append(
                (
                    "surname",
                    gettext("The name typed (%(typed)s) is not the name in the MRZ (%(read)s).")
                    % {
                        "typed": f"{p.surname} {p.given_names}".strip(),
                        "read": f"{mrz.surname} {mrz.given_names}".strip(),
                    },
                )
            )
    return out


@rule(
    "passport_single_name",
    field="given_names",
    description=_("A passport with a single name is refused unless the season allows it."),
    settings=("single_name_allowed",),
)
def passport_single_name(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if ctx.rules.single_name_allowed:
        return None
    if not s.pilgrim.surname.strip() or not s.pilgrim.given_names.strip():
        return gettext("Passports with a single name are not accepted this season.")
    return None


@rule(
    "passport_validity",
    field="passport_expiry_date",
    description=_("The passport is valid for the season's margin past the planned arrival."),
    settings=("passport_validity_months",),
)
def passport_validity(s: Subject, ctx: EligibilityContext) -> RuleResult:
    months = ctx.rules.passport_validity_months
    needed = add_months(ctx.arrival, months)
    if s.pilgrim.passport_expiry_date < needed:
        return gettext(
            "The passport must be valid until at least %(needed)s (%(months)d months after "
            "the arrival on %(arrival)s); it expires on %(expiry)s."
        ) % {
            "needed": _d(needed),
            "months": months,
            "arrival": _d(ctx.arrival),
            "expiry": _d(s.pilgrim.passport_expiry_date),
        }
    return None


@rule(
    "passport_one_active",
    field="passport_number",
    description=_("A passport has one active application or visa at a time."),
)
def passport_one_active(s: Subject, ctx: EligibilityContext) -> RuleResult:
    key = passport_key(s.pilgrim.passport_issuing_state, s.pilgrim.passport_number)
    if key in ctx.active_passports:
        return gettext("This passport already has an active application or visa.")
    return None


# --- Season calendar -------------------------------------------------------------------


@rule("season_open", field="season", description=_("The season is open for applications."))
def season_open(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if not ctx.season.is_open:
        return gettext("The season %(season)s is closed.") % {"season": ctx.season.code}
    return None


@rule(
    "season_submission_window",
    field="season",
    description=_("Applications reach the company by the season's last agent approval day."),
)
def season_submission_window(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if ctx.today > ctx.season.last_agent_approval:
        return gettext("The last day for agents' applications was %(day)s.") % {
            "day": _d(ctx.season.last_agent_approval)
        }
    return None


@rule(
    "season_visa_window",
    field="arrival_date",
    description=_("A visa can still be issued: today is on or before the last visa date."),
)
def season_visa_window(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if ctx.today > ctx.season.last_visa_date:
        return gettext("The last day to issue visas this season was %(day)s.") % {
            "day": _d(ctx.season.last_visa_date)
        }
    return None


@rule(
    "season_entry_window",
    field="arrival_date",
    description=_("The arrival falls between the first visa day and the last entry date."),
)
def season_entry_window(s: Subject, ctx: EligibilityContext) -> RuleResult:
    first, last = ctx.season.visas_from, ctx.season.last_entry_date
    if not first <= ctx.arrival <= last:
        return gettext("The arrival on %(arrival)s must fall between %(first)s and %(last)s.") % {
            "arrival": _d(ctx.arrival),
            "first": _d(first),
            "last": _d(last),
        }
    return None


@rule(
    "season_exit_window",
    field="departure_date",
    description=_("The departure is on or before the season's last exit date."),
)
def season_exit_window(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if ctx.departure > ctx.season.last_exit_date:
        return gettext("The departure on %(day)s is after the last exit date, %(last)s.") % {
            "day": _d(ctx.departure),
            "last": _d(ctx.season.last_exit_date),
        }
    return None


# --- Pilgrim -----------------------------------------------------------------------------


@rule(
    "minimum_age",
    field="birth_date",
    description=_("The pilgrim has the season's minimum age on arrival."),
    settings=("minimum_age",),
)
def minimum_age(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if s.age_at_arrival < ctx.rules.minimum_age:
        return gettext(
            "The pilgrim will be %(age)d on arrival; the minimum age is %(minimum)d."
        ) % {"age": max(s.age_at_arrival, 0), "minimum": ctx.rules.minimum_age}
    return None


def _vaccine_needed(s: Subject, ctx: EligibilityContext) -> bool:
    return ctx.rules.vaccination_required and s.age_at_arrival >= ctx.rules.vaccination_from_age


@rule(
    "vaccination_present",
    field="vaccine_date",
    description=_("A meningococcal ACWY vaccination is recorded for pilgrims above the age set."),
    settings=("vaccination_required", "vaccination_from_age"),
)
def vaccination_present(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if not _vaccine_needed(s, ctx):
        return None
    if s.pilgrim.vaccine_date is None:
        return gettext(
            "A meningococcal ACWY vaccination is required for pilgrims aged %(age)d or more."
        ) % {"age": ctx.rules.vaccination_from_age}
    if s.pilgrim.vaccine_date > ctx.today:
        return gettext("The vaccination date %(day)s is in the future.") % {
            "day": _d(s.pilgrim.vaccine_date)
        }
    return None


@rule(
    "vaccination_timing",
    field="vaccine_date",
    description=_("The vaccine was given at least the days set before arrival."),
    settings=("vaccination_min_days_before_arrival",),
)
def vaccination_timing(s: Subject, ctx: EligibilityContext) -> RuleResult:
    given = s.pilgrim.vaccine_date
    if not _vaccine_needed(s, ctx) or given is None:
        return None
    days = ctx.rules.vaccination_min_days_before_arrival
    if given > ctx.arrival - dt.timedelta(days=days):
        return gettext(
            "The vaccine must be given at least %(days)d days before the arrival on "
            "%(arrival)s; it was given on %(given)s."
        ) % {"days": days, "arrival": _d(ctx.arrival), "given": _d(given)}
    return None


@rule(
    "vaccination_validity",
    field="vaccine_date",
    description=_("The vaccination is still valid on departure (3 or 5 years by type)."),
    settings=("vaccine_validity_years_polysaccharide", "vaccine_validity_years_conjugate"),
)
def vaccination_validity(s: Subject, ctx: EligibilityContext) -> RuleResult:
    given = s.pilgrim.vaccine_date
    if not _vaccine_needed(s, ctx) or given is None:
        return None
    years = (
        ctx.rules.vaccine_validity_years_conjugate
        if s.pilgrim.vaccine_type == "conjugate"
        else ctx.rules.vaccine_validity_years_polysaccharide
    )
    valid_until = add_years(given, years)
    if valid_until < ctx.departure:
        return gettext(
            "The vaccination of %(given)s is valid %(years)d years, until %(until)s, which is "
            "before the departure on %(departure)s."
        ) % {
            "given": _d(given),
            "years": years,
            "until": _d(valid_until),
            "departure": _d(ctx.departure),
        }
    return None


@rule(
    "mahram",
    field="sex",
    description=_("Women under the age set travel with a male guardian in the group."),
    settings=("mahram_rule", "mahram_rule_max_age"),
)
def mahram(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if not ctx.rules.mahram_rule or s.pilgrim.sex != "F":
        return None
    if s.age_at_arrival < ctx.rules.mahram_rule_max_age and not ctx.group_has_adult_male:
        return gettext(
            "A woman under %(age)d travels with a male guardian (mahram) in her group."
        ) % {"age": ctx.rules.mahram_rule_max_age}
    return None


# --- Package ---------------------------------------------------------------------------


@rule(
    "package_present",
    field="package",
    description=_("The group has a package: hotel contract, ground transport, return flight."),
    settings=("package_required",),
)
def package_present(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if not ctx.rules.package_required:
        return None
    g = ctx.group
    missing = []
    if not g.hotel_contract_number:
        missing.append(("package.hotel_contract_number", gettext("A licensed hotel contract.")))
    if not (g.makkah_nights or g.madinah_nights):
        missing.append(("package.makkah_nights", gettext("Nights in Makkah or Madinah.")))
    if not g.ground_transport:
        missing.append(("package.ground_transport", gettext("Ground transport.")))
    if g.arrival_date is None or not g.arrival_flight:
        missing.append(("package.arrival_date", gettext("An inbound flight with its date.")))
    if g.departure_date is None or not g.departure_flight:
        missing.append(("package.departure_date", gettext("A return flight with its date.")))
    return [(name, gettext("The package lacks: %s") % what) for name, what in missing]


@rule(
    "package_covers_stay",
    field="package",
    description=_("Hotel nights cover the whole stay, and the stay fits the permitted days."),
    settings=("max_stay_days",),
)
def package_covers_stay(s: Subject, ctx: EligibilityContext) -> RuleResult:
    g = ctx.group
    nights = g.stay_nights
    if nights is None:
        return None  # package_present reports the missing flights
    out = []
    booked = g.makkah_nights + g.madinah_nights
    if booked < nights:
        out.append(
            (
                "package.makkah_nights",
                gettext(
                    "The hotel contract covers %(booked)d nights; the stay is %(nights)d nights."
                )
                % {"booked": booked, "nights": nights},
            )
        )
    if nights > ctx.rules.max_stay_days:
        out.append(
            (
                "package.departure_date",
                gettext("The stay of %(nights)d days is longer than the %(max)d permitted.")
                % {"nights": nights, "max": ctx.rules.max_stay_days},
            )
        )
    return out


# --- Operators -------------------------------------------------------------------------

_PROBLEMS = {
    "company_suspended": _("the company is suspended"),
    "company_revoked": _("the company's licence is cancelled"),
    "company_licence_invalid": _("the company's licence is not valid today"),
    "company_guarantee_invalid": _("the company's bank guarantee is not valid or too small"),
}


@rule(
    "company_standing",
    field="company",
    description=_("The company has a valid licence and bank guarantee and is not suspended."),
    settings=("minimum_guarantee_sar",),
)
def company_standing(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if ctx.company_problems:
        problems = ", ".join(str(_PROBLEMS.get(p, p)) for p in ctx.company_problems)
        return gettext("The company is not in good standing: %(problems)s.") % {
            "problems": problems
        }
    return None


@rule(
    "contract_covers_country",
    field="residence_country",
    description=_("An active contract between the company and the agent covers the country."),
)
def contract_covers_country(s: Subject, ctx: EligibilityContext) -> RuleResult:
    country = s.pilgrim.residence_country
    if not any(c.covers(country, ctx.today) for c in ctx.contracts):
        return gettext(
            "No active contract between the company and the agent covers %(country)s."
        ) % {"country": country}
    return None


@rule(
    "quota_company",
    field="quota",
    description=_("The company has places left in its season quota."),
)
def quota_company(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if ctx.company_quota_remaining is None:
        return gettext("The company has no quota in this season.")
    if ctx.company_quota_remaining < 1:
        return gettext("The company's quota for the season is used up.")
    return None


@rule(
    "quota_agent",
    field="quota",
    description=_("The agent has places left in its season quota."),
)
def quota_agent(s: Subject, ctx: EligibilityContext) -> RuleResult:
    if ctx.agent_quota_remaining is None:
        return gettext("The agent has no quota in this season.")
    if ctx.agent_quota_remaining < 1:
        return gettext("The agent's quota for the season is used up.")
    return None
