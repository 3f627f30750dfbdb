"""Issuance: the number and its check digit, the window and stay from the season's rules,
the visa's MRV-A MRZ, the seal that carries them, idempotence, group jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masar.applications.models import Application
from masar.core.errors import Conflict, Forbidden
from masar.documents import parse_mrz
from masar.integration.models import OutboxEvent
from masar.seasons.models import SeasonRules
from masar.visas.models import IssuanceJob, Visa
from masar.visas.seal import kingdom_today, seal_decode
from masar.visas.services import (
    application_decide,
    issuance_job_run,
    issuance_job_start,
    visa_issue,
    visa_number_format,
    visa_number_valid,
)


@given(st.integers(min_value=0, max_value=99_999_999))
def test_every_number_carries_its_check_digit(serial: int) -> None:
    number = visa_number_format(serial)
    assert len(number) == 9 and number[:8] == f"{serial:08d}"
    assert visa_number_valid(number)
    wrong = number[:8] + str((int(number[8]) + 1) % 10)
    assert not visa_number_valid(wrong)


def test_known_check_digit() -> None:
    # Doc 9303 weights 7-3-1 repeat: the 8th character weighs 3, so "00000001" checks to 3.
    assert visa_number_format(1) == "000000013"
    assert visa_number_format(12345678) == "12345678" + str(
        (7 * 1 + 3 * 2 + 3 + 7 * 4 + 3 * 5 + 6 + 7 * 7 + 3 * 8) % 10
    )


@pytest.mark.django_db
def test_an_approved_application_gets_its_visa(issued: Any, season: Any) -> None:
    SeasonRules.objects.filter(season=season).update(
        visa_validity_days=30, max_stay_days=45, visa_entries=1
    )
    visa = issued()
    today = kingdom_today()
    app = Application.objects.get(pk=visa.application_id)
    assert app.status == "issued" and app.issued_at is not None
    assert (visa.visa_type, visa.status, visa.entries, visa.stay_days) == ("umrah", "valid", 1, 45)
    assert (visa.valid_from, visa.valid_until) == (today, today + dt.timedelta(days=29))
    assert visa_number_valid(visa.number)
    pilgrim = app.pilgrim
    assert visa.mrz_line1.startswith("V<SAU" + pilgrim.surname.upper())
    assert len(visa.mrz_line1) == len(visa.mrz_line2) == 44
    assert visa.mrz_line2.startswith(visa.number)
    decoded = seal_decode(bytes(visa.seal))
    features = decoded.features
    assert (features.visa_number, features.passport_number) == (
        visa.number,
        pilgrim.passport_number,
    )
    assert (features.valid_from, features.valid_until) == (visa.valid_from, visa.valid_until)
    assert features.duration_of_stay is not None and features.duration_of_stay.days == 45
    assert (features.number_of_entries, features.visa_type) == (1, 1)
    assert features.mrz[0] == visa.mrz_line1
    event = OutboxEvent.objects.get(type="visa.issued")
    assert event.payload["visa_number"] == visa.number
    assert event.payload["valid_until"] == visa.valid_until.isoformat()


@pytest.mark.django_db
def test_the_mrz_parses_as_a_visa(issued: Any) -> None:
    visa = issued()
    parsed = parse_mrz("\n".join(visa.mrz))
    assert (parsed.format, parsed.valid, parsed.errors) == ("MRV-A", True, ())
    assert parsed.document_number == visa.number


@pytest.mark.django_db
def test_the_window_never_passes_the_last_entry_date(issued: Any, season: Any) -> None:
    # given a validity longer than what is left of the season's entry period
    SeasonRules.objects.filter(season=season).update(visa_validity_days=400)
    visa = issued()
    assert visa.valid_until == season.last_entry_date


@pytest.mark.django_db
def test_issuing_twice_issues_once(issued: Any) -> None:
    visa = issued()
    assert visa_issue(actor=None, application_id=visa.application_id) is None
    assert Visa.objects.count() == 1
    assert OutboxEvent.objects.filter(type="visa.issued").count() == 1


@pytest.mark.django_db
def test_an_application_not_approved_gets_no_visa(in_decision: Any) -> None:
    app = in_decision()
    assert visa_issue(actor=None, application_id=app.pk) is None
    assert not Visa.objects.exists()


@pytest.mark.django_db
def test_numbers_are_consecutive_and_unique(issued: Any) -> None:
    numbers = [issued().number for _ in range(3)]
    assert [int(n[:8]) for n in numbers] == [1, 2, 3]


@pytest.mark.django_db
def test_a_group_job_issues_every_approved_application(
    in_decision: Any, visa_officer: Any, group: Any
) -> None:
    apps = [in_decision() for _ in range(3)]
    for app in apps[:2]:
        application_decide(actor=visa_officer, application_id=app.pk, decision="approve")
    job = issuance_job_start(actor=visa_officer, group_id=group.pk)
    assert (job.status, job.total) == ("queued", 2)
    with pytest.raises(Conflict) as running:
        issuance_job_start(actor=visa_officer, group_id=group.pk)
    assert running.value.code == "issuance_already_running"
    job = issuance_job_run(job_id=job.pk)
    assert (job.status, job.issued, job.skipped) == ("done", 2, 0)
    assert set(Visa.objects.values_list("application_id", flat=True)) == {a.pk for a in apps[:2]}
    assert Application.objects.get(pk=apps[2].pk).status == "decision"


@pytest.mark.django_db
def test_only_visa_officers_start_a_group_job(company_staff: Any, group: Any) -> None:
    with pytest.raises(Forbidden):
        issuance_job_start(actor=company_staff, group_id=group.pk)
    assert not IssuanceJob.objects.exists()
