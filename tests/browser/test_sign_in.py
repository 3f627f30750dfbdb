from __future__ import annotations

import os
from pathlib import Path

import pytest

from masar.seasons.services import quota_set
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_company_user_signs_in_in_arabic_and_sees_its_home(
    page, company_staff, company, contract, licensing_officer, season
):
    quota_set(actor=licensing_officer, season=season, company=company, limit=40000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, company_staff.username)
    page.wait_for_selector("#company-h")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    text = page.inner_text("main")
    assert company.licence_number in text
    assert contract.agent.organization.name_ar in text
    assert "40,000" in text or "40000" in text
    assert errors == []
    if os.environ.get("MASAR_SCREENSHOTS"):
        out = Path(os.environ["MASAR_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / "home-company-ar.png"), full_page=True)


def test_language_switch_to_english_and_back(page, company_staff, company):
    sign_in(page, company_staff.username)
    page.wait_for_selector("#company-h")
    page.click("form.lang button")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "Our licence" in page.inner_text("main")
    page.click("form.lang button")
    page.wait_for_selector("html[lang=ar]")


def test_wrong_password_shows_an_error(page, company_staff):
    sign_in(page, company_staff.username, password="wrong")
    page.wait_for_selector("[role=alert]")  # the click does not wait for the answer
    assert page.locator("[role=alert]").count() == 1
