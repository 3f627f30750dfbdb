"""Each eligibility rule on its own: its code, its season setting, its message."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masar.applications.eligibility import RULES, context_for_group, evaluate
from masar.applications.eligibility.rules import add_months
from masar.applications.pilgrim_input import pilgrim_input_clean
from masar.core.dates import riyadh_today
from masar.operators.models import CompanyStatus
from masar.seasons.models import Quota, SeasonRules
from tests.applications.factories import pilgrim_values

pytestmark = pytest.mark.django_db


def _clean(**overrides):
    data, failures = pilgrim_input_clean(pilgrim_values(**overrides), today=riyadh_today())
    assert failures == [], failures
    return data


def _codes(group, data, **ctx_changes):
    ctx = context_for_group(group)
    for name, value in ctx_changes.items():
        setattr(ctx, name, value)
    return [f.code for f in evaluate(data, ctx)]


def test_a_valid_pilgrim_passes_every_rule(group):
    assert _codes(group, _clean()) == []


def test_rule_codes_are_unique_and_documented():
    assert len(RULES) == len(set(RULES))
    for code, rule in RULES.items():
        assert code == rule.code
        assert str(rule.description)


def test_failures_are_all_returned_not_the_first(group):
    today = riyadh_today()
    data = _clean(
        birth_date=today - dt.timedelta(days=365 * 2),
        passport_expiry_date=today + dt.timedelta(days=30),
        vaccine_date=None,
        vaccine_type="",
    )
    assert _codes(group, data) == ["passport_validity", "minimum_age", "vaccination_present"]


def test_a_disabled_rule_is_not_run(group):
    data = _clean(vaccine_date=None, vaccine_type="")
    assert _codes(group, data) == ["vaccination_present"]
    SeasonRules.objects.filter(season=group.season).update(disabled_rules=["vaccination_present"])
    assert _codes(group, data) == []


def test_passport_validity_margin_is_a_season_setting(group):
    arrival = group.arrival_date
    data = _clean(passport_expiry_date=add_months(arrival, 4))
    assert _codes(group, data) == ["passport_validity"]
    SeasonRules.objects.filter(season=group.season).update(passport_validity_months=3)
    assert _codes(group, data) == []


def test_mrz_must_agree_with_the_typed_data(group):
    values = pilgrim_values()
    values["birth_date"] = dt.date(1984, 1, 1)  # the MRZ still says 1985-03-14
    values["surname"] = "Rahmat"
    data, failures = pilgrim_input_clean(values, today=riyadh_today())
    assert failures == []
    ctx = context_for_group(group)
    found = [(f.field, f.code) for f in evaluate(data, ctx)]
    assert found == [("birth_date", "passport_mrz_matches"), ("surname", "passport_mrz_matches")]


def test_an_mrz_with_a_bad_check_digit_fails(group):
    values = pilgrim_values()
    line1, line2 = values["mrz"].split("\n")
    values["mrz"] = line1 + "\n" + line2[:-1] + str((int(line2[-1]) + 1) % 10)
    data, _ = pilgrim_input_clean(values, today=riyadh_today())
    failures = evaluate(data, context_for_group(group))
    assert [f.code for f in failures] == ["passport_mrz_valid"]
    assert "composite" in failures[0].message


def test_single_names_are_refused_unless_allowed(group):
    data = _clean(given_names="")
    assert _codes(group, data) == ["passport_single_name"]
    SeasonRules.objects.filter(season=group.season).update(single_name_allowed=True)
    assert _codes(group, data) == []


def test_minimum_age_and_vaccination_age(group):
    arrival = group.arrival_date
    four = arrival.replace(year=arrival.year - 4)
    data = _clean(birth_date=four, vaccine_date=None, vaccine_type="")
    assert _codes(group, data) == ["minimum_age", "vaccination_present"]
    SeasonRules.objects.filter(season=group.season).update(minimum_age=4)
    assert _codes(group, data) == ["vaccination_present"]
    SeasonRules.objects.filter(season=group.season).update(vaccination_from_age=5)
    assert _codes(group, data) == []


def test_vaccination_timing_and_validity_by_type(group):
    arrival, departure = group.arrival_date, group.departure_date
    too_late = _clean(vaccine_date=riyadh_today())
    assert _codes(group, too_late) == (
        ["vaccination_timing"] if riyadh_today() > arrival - dt.timedelta(days=10) else []
    )
    four_years = departure - dt.timedelta(days=4 * 365)
    assert _codes(group, _clean(vaccine_type="polysaccharide", vaccine_date=four_years)) == [
        "vaccination_validity"
    ]
    assert _codes(group, _clean(vaccine_type="conjugate", vaccine_date=four_years)) == []


def test_mahram_rule_is_off_by_default_and_can_be_switched_on(group):
    data = _clean(sex="F")
    assert _codes(group, data) == []
    SeasonRules.objects.filter(season=group.season).update(mahram_rule=True)
    assert _codes(group, data) == ["mahram"]
    assert _codes(group, data, group_has_adult_male=True) == []


def test_package_present_and_covering_the_stay(group):
    data = _clean()
    group.makkah_nights = 3
    group.madinah_nights = 2
    assert _codes(group, data) == ["package_covers_stay"]
    group.hotel_contract_number = ""
    group.ground_transport = ""
    group.departure_flight = ""
    assert _codes(group, data) == [
        "package_present",
        "package_present",
        "package_present",
        "package_covers_stay",
    ]
    SeasonRules.objects.filter(season=group.season).update(package_required=False)
    assert _codes(group, data) == ["package_covers_stay"]


def test_season_window(group):
    season = group.season
    data = _clean()
    group.arrival_date = season.last_entry_date + dt.timedelta(days=1)
    group.departure_date = season.last_exit_date + dt.timedelta(days=1)
    group.makkah_nights = 60
    codes = _codes(group, data)
    assert "season_entry_window" in codes and "season_exit_window" in codes
    season.is_open = False
    assert "season_open" in _codes(group, data)


def test_the_last_visa_day_and_last_agent_day(group):
    season = group.season
    season.last_visa_date = riyadh_today() - dt.timedelta(days=1)
    season.last_agent_approval = riyadh_today() - dt.timedelta(days=1)
    codes = _codes(group, _clean())
    assert "season_visa_window" in codes and "season_submission_window" in codes


def test_company_standing_and_contract(group, company):
    data = _clean()
    company.status = CompanyStatus.SUSPENDED
    company.save(update_fields=["status"])
    assert _codes(group, data) == ["company_standing"]
    company.status = CompanyStatus.ACTIVE
    company.guarantee_amount = 10
    company.save(update_fields=["status", "guarantee_amount"])
    assert _codes(group, data) == ["company_standing"]


def test_contract_must_cover_the_country_of_residence(group):
    assert _codes(group, _clean(residence_country="MYS")) == ["contract_covers_country"]


def test_quotas_missing_or_used_up(group, quotas):
    data = _clean()
    Quota.objects.filter(pk=quotas["agent"].pk).update(used=500)
    assert _codes(group, data) == ["quota_agent"]
    Quota.objects.filter(pk=quotas["company"].pk).delete()
    assert _codes(group, data) == ["quota_company", "quota_agent"]


def test_messages_are_translated(group):
    from django.utils import translation

    data = _clean(vaccine_date=None, vaccine_type="")
    with translation.override("en"):
        (failure,) = evaluate(data, context_for_group(group))
    assert failure.message == (
        "A meningococcal ACWY vaccination is required for pilgrims aged 2 or more."
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the group is only read
)
@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2024, 12, 31)),
    expiry_days=st.integers(min_value=1, max_value=3650),
    vaccine_days=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
)
def test_property_rules_agree_with_the_dates(group, birth, expiry_days, vaccine_days):
    today = riyadh_today()
    values = pilgrim_values(
        birth_date=birth,
        # a passport is issued on or after its holder's birth
        passport_issue_date=max(birth, today - dt.timedelta(days=700)),
        passport_expiry_date=today + dt.timedelta(days=expiry_days),
        vaccine_date=None if vaccine_days is None else today - dt.timedelta(days=vaccine_days),
        vaccine_type="" if vaccine_days is None else "conjugate",
    )
    data, failures = pilgrim_input_clean(values, today=today)
    assert failures == []
    ctx = context_for_group(group)
    codes = {f.code for f in evaluate(data, ctx)}
    arrival = group.arrival_date
    age = arrival.year - birth.year - ((arrival.month, arrival.day) < (birth.month, birth.day))
    assert ("minimum_age" in codes) == (age < 5)
    assert ("passport_validity" in codes) == (data.passport_expiry_date < add_months(arrival, 6))
    assert ("vaccination_present" in codes) == (age >= 2 and vaccine_days is None)
    assert not codes & {"passport_mrz_valid", "passport_mrz_matches"}
