"""Carrier checks answer OK / NOT OK and a coarse code only: no personal data, and never the
detailed reason (a revocation, a lapse, a stay already open), which stays in the ministry's
log of the check."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from masar.border.error_codes import CarrierCode, RefusalCode, carrier_code
from masar.border.models import CarrierCheck
from masar.visas.models import Visa, VisaStatus
from tests.border import conftest as border_fixtures

pytestmark = pytest.mark.django_db

# The fixtures of the border tests, reused as they are.
_media = border_fixtures._media
carrier_staff = border_fixtures.carrier_staff
draft = border_fixtures.draft
group = border_fixtures.group
in_decision = border_fixtures.in_decision
issued = border_fixtures.issued
make_draft = border_fixtures.make_draft
other_group = border_fixtures.other_group
ports = border_fixtures.ports
quotas = border_fixtures.quotas
season = border_fixtures.season
visa_for = border_fixtures.visa_for
visa_keys = border_fixtures.visa_keys

URL = "/api/v1/carrier-checks/"


def _ask(api: Any, user: Any, visa: Visa | None, **extra: str) -> dict[str, Any]:
    pilgrim = visa.application.pilgrim if visa is not None else None
    body = {
        "passport_number": pilgrim.passport_number if pilgrim else "Q9999999",
        "nationality": pilgrim.nationality if pilgrim else "EGY",
        "flight": "SV817",
        **extra,
    }
    response = api(user).post(URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_every_detailed_refusal_maps_to_one_coarse_code() -> None:
    assert carrier_code("") == CarrierCode.OK
    assert carrier_code("ok") == CarrierCode.OK
    coarse = {code: carrier_code(code) for code in RefusalCode}
    assert set(coarse.values()) <= set(CarrierCode) - {CarrierCode.OK}
    assert coarse[RefusalCode.VISA_REVOKED] == CarrierCode.NO_VALID_VISA
    assert coarse[RefusalCode.VISA_LAPSED] == CarrierCode.NO_VALID_VISA
    assert coarse[RefusalCode.APPLICATION_NOT_ISSUED] == CarrierCode.NO_VALID_VISA
    assert coarse[RefusalCode.OUTSIDE_ENTRY_WINDOW] == CarrierCode.OUTSIDE_TRAVEL_DATES
    assert coarse[RefusalCode.ALREADY_INSIDE] == CarrierCode.REFER_TO_AUTHORITIES
    assert carrier_code("a_code_added_later") == CarrierCode.REFER_TO_AUTHORITIES


def test_a_revoked_visa_is_answered_as_no_valid_visa_and_logged_in_detail(
    api: Any, carrier_staff: Any, visa_for: Any, ports: Any
) -> None:
    visa = visa_for()
    Visa.objects.filter(pk=visa.pk).update(
        status=VisaStatus.CANCELLED, revoked_at=timezone.now() - dt.timedelta(days=1)
    )
    answer = _ask(api, carrier_staff, visa)
    assert set(answer) == {"result", "code", "check_id"}
    assert (answer["result"], answer["code"]) == ("not_ok", "no_valid_visa")
    check = CarrierCheck.objects.get(pk=answer["check_id"])
    assert (check.result, check.code) == ("not_ok", "visa_revoked")


def test_an_unknown_passport_and_a_lapsed_visa_get_the_same_answer(
    api: Any, carrier_staff: Any, visa_for: Any, ports: Any
) -> None:
    lapsed = visa_for()
    Visa.objects.filter(pk=lapsed.pk).update(
        status=VisaStatus.LAPSED, revoked_at=timezone.now() - dt.timedelta(days=1)
    )
    unknown = _ask(api, carrier_staff, None)
    gone = _ask(api, carrier_staff, lapsed)
    assert (unknown["result"], unknown["code"]) == ("not_ok", "no_valid_visa")
    assert (gone["result"], gone["code"]) == ("not_ok", "no_valid_visa")
    assert [c.code for c in CarrierCheck.objects.order_by("pk")] == ["no_visa", "visa_lapsed"]


def test_the_answer_holds_no_personal_data(
    api: Any, carrier_staff: Any, visa_for: Any, ports: Any
) -> None:
    visa = visa_for()
    answer = _ask(api, carrier_staff, visa)
    assert (answer["result"], answer["code"]) == ("ok", "ok")
    text = str(answer)
    pilgrim = visa.application.pilgrim
    for private in (
        pilgrim.passport_number,
        pilgrim.surname,
        visa.number,
        visa.application.number,
        str(visa.valid_until),
    ):
        assert private not in text
