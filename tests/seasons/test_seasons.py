from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from masar.core.errors import Conflict, ValidationFailed
from masar.seasons.models import Quota
from masar.seasons.services import quota_consume, quota_set, season_rules_update

pytestmark = pytest.mark.django_db

SEASON = {
    "code": "umrah-1449",
    "kind": "umrah",
    "hijri_year": 1449,
    "name_en": "Umrah season 1449 AH",
    "name_ar": "موسم العمرة 1449هـ",
    "starts_on": "1448-11-01",
    "contracts_due": "1448-11-29",
    "visas_from": "1448-12-14",
    "last_agent_approval": "1449-08-01",
    "last_visa_date": "1449-10-01",
    "last_entry_date": "1449-10-15",
    "last_exit_date": "1449-11-01",
    "ends_on": "1449-11-29",
}


def test_season_dates_are_given_in_hijri_and_returned_in_both(api, licensing_officer):
    response = api(licensing_officer).post("/api/v1/seasons/", SEASON, format="json")
    assert response.status_code == 201, response.json()
    calendar = response.json()["calendar"]
    assert calendar["last_entry_date"]["hijri"] == "1449-10-15"
    assert calendar["visas_from"]["hijri"] == "1448-12-14"
    assert calendar["visas_from"]["gregorian"] == "2027-05-20"
    assert response.json()["rules"]["max_stay_days"] == 90


def test_gregorian_dates_are_accepted_too(api, licensing_officer):
    body = {**SEASON, "last_exit_date": "2028-03-27"}
    response = api(licensing_officer).post("/api/v1/seasons/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["calendar"]["last_exit_date"]["gregorian"] == "2028-03-27"


def test_calendar_out_of_order_is_refused_by_field(api, licensing_officer):
    body = {**SEASON, "last_entry_date": "1449-09-01"}
    response = api(licensing_officer).post("/api/v1/seasons/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "season_calendar_out_of_order"
    assert "last_entry_date" in response.json()["fields"]


def test_an_impossible_hijri_date_is_a_field_error(api, licensing_officer):
    body = {**SEASON, "ends_on": "1449-13-01"}
    response = api(licensing_officer).post("/api/v1/seasons/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["ends_on"]


def test_rules_change_is_typed_and_audited(api, licensing_officer, season):
    client = api(licensing_officer)
    response = client.patch(
        f"/api/v1/seasons/{season.pk}/rules/",
        {"max_stay_days": 30, "auto_decision": False},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["max_stay_days"] == 30
    bad = client.patch(
        f"/api/v1/seasons/{season.pk}/rules/",
        {"max_stay_days": "ninety", "nonsense": 1},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "unknown_rule_setting"
    season.rules.refresh_from_db()
    assert season.rules.max_stay_days == 30


def test_rules_reject_wrong_types(licensing_officer, season):
    with pytest.raises(ValidationFailed) as excinfo:
        season_rules_update(
            actor=licensing_officer,
            season=season,
            changes={"auto_decision": "yes", "minimum_age": -1},
        )
    assert set(excinfo.value.fields) == {"auto_decision", "minimum_age"}


def test_company_staff_cannot_change_rules(api, company_staff, season):
    response = api(company_staff).patch(
        f"/api/v1/seasons/{season.pk}/rules/", {"max_stay_days": 365}, format="json"
    )
    assert response.status_code == 403
    season.rules.refresh_from_db()
    assert season.rules.max_stay_days == 90


def test_quota_cannot_go_below_what_is_used(licensing_officer, season, company):
    quota = quota_set(actor=licensing_officer, season=season, company=company, limit=10)
    with transaction.atomic():
        assert quota_consume(quota_ids=[quota.pk], amount=7)
    with pytest.raises(Conflict):
        quota_set(actor=licensing_officer, season=season, company=company, limit=5)
    quota.refresh_from_db()
    assert (quota.limit, quota.used) == (10, 7)


def test_quota_consume_is_all_or_nothing(licensing_officer, season, company, agent):
    company_quota = quota_set(actor=licensing_officer, season=season, company=company, limit=5)
    agent_quota = quota_set(actor=licensing_officer, season=season, agent=agent, limit=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert quota_consume(quota_ids=[company_quota.pk, agent_quota.pk])
        assert not quota_consume(quota_ids=[company_quota.pk, agent_quota.pk])
        raise RuntimeError("the caller rolls back on a full quota")
    company_quota.refresh_from_db()
    assert company_quota.used == 0


def test_quotas_are_scoped(api, licensing_officer, company_staff, season, company, other_company):
    quota_set(actor=licensing_officer, season=season, company=company, limit=10)
    quota_set(actor=licensing_officer, season=season, company=other_company, limit=20)
    rows = api(company_staff).get(f"/api/v1/seasons/{season.pk}/quotas/").json()["results"]
    assert [(r["company_id"], r["limit"]) for r in rows] == [(company.pk, 10)]
    response = api(company_staff).post(
        f"/api/v1/seasons/{season.pk}/quotas/",
        {"holder_type": "company", "company_id": company.pk, "limit": 999},
        format="json",
    )
    assert response.status_code == 403
    assert Quota.objects.get(company=company).limit == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_quota_holds_under_concurrent_consumers_on_postgres(licensing_officer, season, company):
    quota = quota_set(actor=licensing_officer, season=season, company=company, limit=25)
    accepted: list[bool] = []
    lock = threading.Lock()

    def submitter() -> None:
        try:
            for _ in range(20):
                with transaction.atomic():
                    ok = quota_consume(quota_ids=[quota.pk])
                with lock:
                    accepted.append(ok)
        finally:
            connection.close()

    threads = [threading.Thread(target=submitter) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    quota.refresh_from_db()
    assert accepted.count(True) == 25
    assert quota.used == 25


def test_hijri_conversion_of_the_domain_brief_example():
    from masar.core.dates import from_hijri, hijri_iso

    assert from_hijri(1447, 10, 1) == dt.date(2026, 3, 20)
    assert hijri_iso(dt.date(2026, 3, 20)) == "1447-10-01"
