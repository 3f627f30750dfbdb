"""Role golden paths in a browser, in Arabic and in English, from the home's work queue to
the finished task; axe-core finds nothing on any page visited, and the screenshots go to
docs/screenshots/.

- The agent: home → visas ready to download → the issued-visa list → the case file → the
  group's visas as one ZIP.
- The visa officer: home → the consular queue → the case file opened beside it → decide
  from the case file → confirm.
- The company clerk: home → applications to approve → select the page → approve.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from masar.applications.models import Application
from masar.applications.services import application_submit
from tests.browser.axe import axe_violations, screenshot
from tests.browser.conftest import language_context, sign_in
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


def _clean(page: Any) -> None:
    assert axe_violations(page) == [], page.url


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_agent_finds_and_downloads_the_groups_visas(
    browser: Any, live_server: Any, issued: Any, agent_staff: Any, language: str
) -> None:
    first, second = issued(), issued()
    context = language_context(browser, live_server, language, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, agent_staff.username)
        page.wait_for_selector(".work-queue")
        assert page.locator("html").get_attribute("lang") == language
        row = page.locator("tr[data-queue=visas]")
        assert row.get_attribute("data-count") == "2"
        screenshot(page, f"home-agent-{language}.png")
        _clean(page)
        row.locator("a").click()
        page.wait_for_selector("table.visas")
        assert page.locator("table.visas tbody tr").count() == 2
        _clean(page)
        page.locator(f"a[href='/applications/{first.application_id}/']").click()
        page.wait_for_selector("#visa-h")
        assert first.number in page.locator("#visa").inner_text()
        screenshot(page, f"case-file-agent-{language}.png")
        _clean(page)
        page.goto(f"/visas/?group={first.application.group_id}")
        with page.expect_download() as info:
            page.locator("form[action*='/archive/'] button").click()
        data = open(info.value.path(), "rb").read()
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            assert sorted(bundle.namelist()) == sorted(
                [f"e-visa-{first.number}.pdf", f"e-visa-{second.number}.pdf"]
            )
    finally:
        context.close()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_consul_decides_from_the_case_file(
    browser: Any, live_server: Any, in_decision: Any, visa_officer: Any, language: str
) -> None:
    app = in_decision()
    context = language_context(browser, live_server, language, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, visa_officer.username)
        page.wait_for_selector(".work-queue")
        assert page.locator("tr[data-queue=decisions]").get_attribute("data-count") == "1"
        screenshot(page, f"home-visa-officer-{language}.png")
        _clean(page)
        page.locator("tr[data-queue=decisions] a").click()
        page.wait_for_selector("#decision-form")
        _clean(page)
        page.locator("a[data-case-file]").first.click()
        page.wait_for_selector("#case-panel #decide-h")
        assert page.url.endswith("/visas/decisions/")  # the case file opens beside the queue
        assert (
            app.pilgrim.passport_number
            in page.locator("#pilgrim-h + div, .pilgrim").first.inner_text()
        )
        screenshot(page, f"consular-queue-case-file-{language}.png")
        _clean(page)
        page.select_option("#cf-decision", "approve")
        page.locator(".decide button[type=submit]").click()
        page.wait_for_selector("#confirm-button")
        assert page.locator(".confirm").get_attribute("data-count") == "1"
        _clean(page)
        page.locator("#confirm-button").click()
        page.wait_for_selector(".messages")
        assert Application.objects.get(pk=app.pk).status == "approved"
    finally:
        context.close()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_company_clerk_approves_the_page(
    browser: Any,
    live_server: Any,
    make_draft: Any,
    agent_staff: Any,
    company_staff: Any,
    language: str,
) -> None:
    apps = [make_draft() for _ in range(2)]
    for app in apps:
        application_submit(actor=agent_staff, application=app)
    context = language_context(browser, live_server, language, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, company_staff.username)
        page.wait_for_selector(".work-queue")
        assert page.locator("tr[data-queue=approve]").get_attribute("data-count") == "2"
        screenshot(page, f"home-company-queue-{language}.png")
        _clean(page)
        page.locator("tr[data-queue=approve] a").click()
        page.wait_for_selector("#select-page")
        _clean(page)
        page.locator("#select-page").check()
        assert page.locator("input[name=ids]:checked").count() == 2
        page.locator("fieldset.bulk button[value=approve]").click()
        page.wait_for_selector(".messages")
        statuses = set(Application.objects.values_list("status", flat=True))
        assert statuses == {"screening"}
    finally:
        context.close()
