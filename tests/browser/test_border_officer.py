"""The border officer's screen in a browser, keyboard only: an MRZ typed as a scanner types
it (line 1, Enter, line 2, Enter) gives "entry allowed" with the permitted departure, Enter
records it and the field is ready for the next passport; a passport without a visa is
refused with its reason; Esc clears. In Arabic, then in English (where Alt+X turns to
exits and Ctrl+Enter records)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from masar.applications.models import Application
from masar.border.models import Crossing, PortAssignment, Stay
from tests.applications.factories import pilgrim_values
from tests.border.test_lists import make_port
from tests.browser.conftest import sign_in
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


def _focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement && document.activeElement.id"))


def test_the_officer_checks_and_records_by_keyboard(
    page: Any, border_officer: Any, issued: Any, season: Any
) -> None:
    PortAssignment.objects.create(user=border_officer, port=make_port("JED", "Jeddah"))
    visa = issued()
    pilgrim = visa.application.pilgrim
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )

    sign_in(page, border_officer.username)
    page.wait_for_selector("main")
    page.goto("/border/officer/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#verdict").get_attribute("aria-live") == "assertive"
    assert _focused_id(page) == "id_scan"

    # Arabic: an issued visa, entry allowed with the permitted departure
    _scan(page, pilgrim.mrz)
    page.wait_for_selector("[data-verdict=allowed]")
    _shot(page, "border-officer-allowed-ar.png")
    verdict = page.locator("#verdict")
    assert "الدخول مسموح" in verdict.inner_text()
    departure = page.locator("[data-permitted-departure]").get_attribute("data-permitted-departure")
    assert departure
    assert departure in verdict.inner_text()
    assert visa.number in verdict.inner_text()
    assert pilgrim.native_name in verdict.inner_text()
    assert _focused_id(page) == "record-button"

    # Enter records; the field is emptied and focused for the next passport
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-recorded]")
    assert page.locator("[data-recorded]").get_attribute("data-outcome") == "accepted"
    assert "تم تسجيل الدخول" in verdict.inner_text()
    assert _focused_id(page) == "id_scan"
    assert page.locator("#id_scan").input_value() == ""
    crossing = Crossing.objects.get()
    assert (crossing.direction, crossing.outcome) == ("entry", "accepted")
    assert Stay.objects.get().permitted_departure.isoformat() == departure
    assert Application.objects.get(pk=visa.application_id).status == "entered"

    # Arabic: a passport without a visa is refused with its reason; Esc clears
    _scan(page, pilgrim_values(passport_number="C9999991")["mrz"])
    page.wait_for_selector("[data-verdict=refused]")
    _shot(page, "border-officer-refused-ar.png")
    assert page.locator(".reasons li[data-code=no_visa]").count() == 1
    assert "الدخول مرفوض" in verdict.inner_text()
    page.keyboard.press("Escape")
    assert page.locator("#verdict").inner_text().strip() == ""
    assert _focused_id(page) == "id_scan"
    assert Crossing.objects.count() == 1  # nothing recorded for the refusal

    # English: the same screen; Alt+X turns to exits, Ctrl+Enter records
    page.locator("form.lang button").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.locator("#id_scan").focus()
    page.keyboard.press("Alt+x")
    assert page.locator("input[name=direction][value=exit]").is_checked()
    _scan(page, pilgrim.mrz)
    page.wait_for_selector("[data-verdict=allowed]")
    _shot(page, "border-officer-exit-en.png")
    assert "Exit allowed" in verdict.inner_text()
    assert page.locator("[data-days-stayed]").count() == 1
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-recorded]")
    assert "Exit recorded" in verdict.inner_text()
    assert Application.objects.get(pk=visa.application_id).status == "departed"

    # English: a refusal with its reason, recorded with the key
    page.keyboard.press("Alt+e")
    _scan(page, pilgrim_values(passport_number="C9999992")["mrz"])
    page.wait_for_selector("[data-verdict=refused]")
    assert "No visa was found for this passport or seal." in verdict.inner_text()
    assert "Entry refused" in verdict.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-recorded]")
    assert "Refusal recorded" in verdict.inner_text()
    refused = Crossing.objects.get(passport_number="C9999992")
    assert (refused.outcome, refused.refusal_code) == ("refused", "no_visa")
    assert Crossing.objects.count() == 3
    assert errors == []
