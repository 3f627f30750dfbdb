"""Whereabouts in a browser: a hotel clerk checks a pilgrim in with the keyboard at the front
desk; the sweep finds another pilgrim of the group who never arrived at the hotel; the
company sees the alert and answers it; the ministry's whereabouts pages show both. Arabic
and English."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from masar.border.services import crossings_record_batch
from masar.lodging.models import HotelStay, PlannedStay
from masar.whereabouts.models import WhereaboutsAlert
from masar.whereabouts.services import whereabouts_sweep
from tests.border.conftest import crossing
from tests.browser.conftest import language_context, sign_in
from tests.factories import UserFactory
from tests.lodging import conftest as lodging_fixtures

pytestmark = pytest.mark.django_db(transaction=True)

_media = lodging_fixtures._media
season = lodging_fixtures.season
quotas = lodging_fixtures.quotas
group = lodging_fixtures.group
other_group = lodging_fixtures.other_group
make_draft = lodging_fixtures.make_draft
draft = lodging_fixtures.draft
visa_keys = lodging_fixtures.visa_keys
in_decision = lodging_fixtures.in_decision
issued = lodging_fixtures.issued
visa_for = lodging_fixtures.visa_for
ports = lodging_fixtures.ports
hotel = lodging_fixtures.hotel
hotel_clerk = lodging_fixtures.hotel_clerk


def _shot(page: Any, name: str) -> None:
    if os.environ.get("MASAR_SCREENSHOTS"):
        out = Path(os.environ["MASAR_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / name), full_page=True)


def _scan(page: Any, mrz: str) -> None:
    """Type the MRZ as a keyboard-wedge scanner does: each line followed by Enter."""
    for line in mrz.split("\n"):
        page.keyboard.type(line)
        page.keyboard.press("Enter")


@pytest.fixture
def gate(moi: Any) -> Any:
    return UserFactory(organization=moi, roles=["integration"], is_service_account=True)


def test_a_check_in_at_the_desk_an_alert_answered_and_the_ministry_sees_both(
    browser: Any,
    live_server: Any,
    visa_for: Any,
    hotel: Any,
    hotel_clerk: Any,
    gate: Any,
    ports: Any,
    company_staff: Any,
    mohu: Any,
) -> None:
    inspector = UserFactory(organization=mohu, username="hajj.inspector", roles=["inspector"])
    arrived, missing = visa_for(days_ago=20), visa_for(days_ago=20)
    entered = timezone.now().replace(microsecond=0) - dt.timedelta(hours=30)
    crossings_record_batch(
        actor=gate,
        events=[crossing(arrived, "entry", entered), crossing(missing, "entry", entered)],
    )
    today = timezone.localdate()
    PlannedStay.objects.create(
        group=arrived.application.group,
        hotel=hotel,
        city=hotel.city,
        check_in=today - dt.timedelta(days=2),
        check_out=today + dt.timedelta(days=3),
        guests=2,
    )

    # The hotel clerk, in Arabic, checks the first pilgrim in with the keyboard only.
    clerk = language_context(browser, live_server, "ar").new_page()
    clerk.set_default_timeout(15_000)
    sign_in(clerk, hotel_clerk.username)
    clerk.wait_for_selector("main")
    clerk.goto("/hotel/desk/")
    assert clerk.locator("html").get_attribute("dir") == "rtl"
    clerk.locator("#id_scan").focus()
    _scan(clerk, arrived.application.pilgrim.mrz)
    clerk.wait_for_selector("[data-verdict=found]")
    clerk.keyboard.press("Enter")
    clerk.wait_for_selector("[data-recorded]")
    _shot(clerk, "whereabouts-desk-check-in-ar.png")
    stay = HotelStay.objects.get()
    assert (stay.application_id, stay.hotel_id, stay.source) == (
        arrived.application_id,
        hotel.pk,
        "desk",
    )
    clerk.context.close()

    # The sweep (what `masar tick` runs): the other pilgrim never reached the hotel.
    result = whereabouts_sweep()
    assert result.by_kind == {"not_checked_in": 1}
    alert = WhereaboutsAlert.objects.get()
    assert alert.application_id == missing.application_id

    # The company, in English, sees the alert and answers it.
    company = language_context(browser, live_server, "en").new_page()
    company.set_default_timeout(15_000)
    sign_in(company, company_staff.username)
    company.wait_for_selector("main")
    company.get_by_role("link", name="Whereabouts alerts").first.click()
    row = company.locator(f"tr[data-alert='{alert.pk}']")
    assert "Not checked in after entry" in row.inner_text()
    assert missing.application.number in row.inner_text()
    assert company.locator(f"tr[data-alert] >> text={arrived.application.number}").count() == 0
    row.get_by_role("link", name="Answer").click()
    company.get_by_label("Moved, with a reason").check()
    company.get_by_role("button", name="Send the answer").click()
    company.wait_for_selector("#form-errors")
    assert "A reason is required when the pilgrim moved." in company.inner_text("#form-errors")
    company.get_by_label("Reason, where the pilgrim is").fill("Stayed with relatives in Jeddah")
    company.get_by_role("button", name="Send the answer").click()
    company.wait_for_selector(f"tr[data-alert='{alert.pk}'][data-status=answered]")
    _shot(company, "whereabouts-company-answered-en.png")
    alert.refresh_from_db()
    assert (alert.status, alert.answer) == ("answered", "moved")
    company.context.close()

    # The ministry, in Arabic: where each pilgrim is now, and the answered alert.
    ministry = language_context(browser, live_server, "ar").new_page()
    ministry.set_default_timeout(15_000)
    sign_in(ministry, inspector.username)
    ministry.wait_for_selector("main")
    ministry.goto("/whereabouts/pilgrim/")
    ministry.fill("#q", arrived.application.number)
    ministry.keyboard.press("Enter")
    ministry.wait_for_selector("#whereabouts-now")
    now_text = ministry.inner_text("#whereabouts-now")
    assert "تسجيل الوصول" in now_text  # check-in
    assert "مكتب استقبال الفندق" in now_text  # source: the front desk
    assert "برج الصفوة" in now_text  # the hotel, by its Arabic name
    ministry.fill("#q", missing.application.number)
    ministry.keyboard.press("Enter")
    ministry.wait_for_selector(f"li[data-alert='{alert.pk}']")
    assert "دخول عبر المنفذ" in ministry.inner_text("#whereabouts-now")  # last seen: entry
    assert "انتقل" in ministry.inner_text(f"li[data-alert='{alert.pk}']")
    _shot(ministry, "whereabouts-ministry-pilgrim-ar.png")
    ministry.goto("/whereabouts/?status=all")
    assert ministry.locator(f"tr[data-alert='{alert.pk}'][data-status=answered]").count() == 1
    ministry.goto("/whereabouts/occupancy/")
    guests = ministry.locator(f"tr[data-hotel='{hotel.pk}'] td.guests").inner_text()
    assert guests.startswith("1")
    ministry.context.close()
