"""A company and the ministry in a browser: the company reads its compliance page in Arabic
and appeals an inspector's violation with the keyboard; a licensing officer cancels it from
the appeal queue; the company's page shows the violation cancelled."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.compliance.models import Appeal, Violation
from masar.compliance.services import violation_raise
from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_company_appeals_and_the_ministry_cancels(
    page: Any,
    browser: Any,
    live_server: Any,
    season: Any,
    company: Any,
    company_staff: Any,
    licensing_officer: Any,
    mohu: Any,
) -> None:
    inspector = UserFactory(organization=mohu, username="hajj.inspector", roles=["inspector"])
    violation = violation_raise(
        actor=inspector,
        season=season,
        company=company,
        violation_type="complaint_upheld",
        occurred_on=dt.date.today(),
        description="Transport to Madinah six hours late",
    )

    sign_in(page, company_staff.username)
    page.goto(f"/compliance/?season={season.pk}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert violation.number in page.content()
    page.locator("#a-violation").focus()
    page.select_option("#a-violation", str(violation.pk))
    page.keyboard.press("Tab")
    page.keyboard.type("The coach broke down; the replacement invoice is attached.")
    page.locator(".appeal-form button[type=submit]").press("Enter")
    page.wait_for_load_state()
    assert Appeal.objects.get().status == "pending"
    assert Violation.objects.get(pk=violation.pk).status == "appealed"

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        ministry = context.new_page()
        ministry.set_default_timeout(15_000)
        sign_in(ministry, licensing_officer.username)
        ministry.goto("/compliance/appeals/")
        ministry.locator("input[name=decision][value=cancelled]").check()
        ministry.fill("textarea[name=reason]", "Breakdown certified by the transport company")
        ministry.locator("form.decide button[type=submit]").click()
        ministry.wait_for_selector("#decided-h")
        assert Appeal.objects.get().status == "cancelled"
        ministry.wait_for_load_state("networkidle")
    finally:
        context.close()

    page.goto(f"/compliance/?season={season.pk}")
    assert page.locator("span.badge.cancelled").count() >= 1
    assert Violation.objects.get(pk=violation.pk).status == "cancelled"
    page.wait_for_load_state("networkidle")
