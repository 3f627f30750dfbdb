"""The hotel's front desk in a browser, keyboard only: an MRZ typed as a scanner types it
shows who the guest is, Enter records the check-in and the field is ready for the next
guest; Alt+O turns to check-outs; a passport without a visa records nothing."""

from __future__ import annotations

from typing import Any

import pytest

from masar.lodging.models import HotelStay, StayEvent
from tests.applications.factories import pilgrim_values
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.lodging.factories import HotelFactory
from tests.visas import conftest as visas_fixtures

pytestmark = pytest.mark.django_db(transaction=True)

_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
make_draft = visas_fixtures.make_draft
visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision
issued = visas_fixtures.issued


def _scan(page: Any, mrz: str) -> None:
    for line in mrz.split("\n"):
        page.keyboard.type(line)
        page.keyboard.press("Enter")


def _focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement && document.activeElement.id"))


def test_the_clerk_checks_a_guest_in_and_out_by_keyboard(page: Any, issued: Any) -> None:
    hotel = HotelFactory(organization__code="hotel-safwah", organization__name_ar="برج الصفوة")
    clerk = UserFactory(organization=hotel.organization, roles=["hotel_staff"])
    visa = issued()
    pilgrim = visa.application.pilgrim

    sign_in(page, clerk.username)
    page.wait_for_selector("main")
    page.goto("/hotel/desk/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert _focused_id(page) == "id_scan"

    _scan(page, pilgrim.mrz)
    page.wait_for_selector("[data-verdict=found]")
    verdict = page.locator("#verdict")
    assert pilgrim.full_name in verdict.inner_text()
    assert _focused_id(page) == "record-button"
    assert StayEvent.objects.count() == 0
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-recorded]")
    assert "سُجّل الوصول" in verdict.inner_text()
    assert _focused_id(page) == "id_scan"
    assert page.locator("#id_scan").input_value() == ""
    stay = HotelStay.objects.get()
    assert (stay.hotel_id, stay.source, stay.checked_out_at) == (hotel.pk, "desk", None)

    # A passport without a visa: nothing to record; Esc clears
    _scan(page, pilgrim_values(passport_number="C9999993")["mrz"])
    page.wait_for_selector("[data-verdict=unknown]")
    page.keyboard.press("Escape")
    assert verdict.inner_text().strip() == ""
    assert StayEvent.objects.count() == 1

    # Alt+O: check-out, Ctrl+Enter records
    page.keyboard.press("Alt+o")
    assert page.locator("input[name=kind][value=check_out]").is_checked()
    _scan(page, pilgrim.mrz)
    page.wait_for_selector("[data-verdict=found]")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-recorded][data-kind=check_out]")
    stay.refresh_from_db()
    assert stay.checked_out_at is not None
