"""The compliance inspector's golden path in a browser, in Arabic and in English: the home's
work queue shows the open overstays, the company's compliance page takes a violation with
its date and description, and the violation is recorded; axe-core finds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from masar.compliance.models import Violation
from tests.browser.axe import axe_violations, screenshot
from tests.browser.conftest import language_context, sign_in
from tests.compliance import conftest as compliance_fixtures

pytestmark = pytest.mark.django_db(transaction=True)

_media = compliance_fixtures._media
season = compliance_fixtures.season
quotas = compliance_fixtures.quotas
group = compliance_fixtures.group
make_draft = compliance_fixtures.make_draft
visa_keys = compliance_fixtures.visa_keys
in_decision = compliance_fixtures.in_decision
issued = compliance_fixtures.issued
inspector = compliance_fixtures.inspector
port = compliance_fixtures.port
rules = compliance_fixtures.rules
enter = compliance_fixtures.enter
overstay = compliance_fixtures.overstay


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_inspector_raises_a_violation_from_the_work_queue(
    browser: Any,
    live_server: Any,
    overstay: Any,
    rules: Any,
    season: Any,
    company: Any,
    inspector: Any,
    language: str,
) -> None:
    overstay(2, 1)
    context = language_context(browser, live_server, language)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, inspector.username)
        page.wait_for_selector(".work-queue")
        assert page.locator("tr[data-queue=overstays]").get_attribute("data-count") == "1"
        screenshot(page, f"home-inspector-{language}.png")
        assert axe_violations(page) == []
        page.goto(f"/compliance/companies/{company.pk}/?season={season.pk}")
        page.wait_for_selector("#raise-h")
        assert axe_violations(page) == []
        page.select_option("#r-type", "services_not_delivered")
        page.fill("#r-date", season.starts_on.isoformat())
        page.fill("#r-description", "الفندق في مكة غير المتعاقد عليه")
        page.locator("#raise-h ~ form button[type=submit]").click()
        page.wait_for_selector(".messages")
        found = Violation.objects.get(violation_type="services_not_delivered")
        assert found.number in page.locator(".messages").inner_text()
        assert found.raised_by_id == inspector.pk
        assert axe_violations(page) == []
    finally:
        context.close()
