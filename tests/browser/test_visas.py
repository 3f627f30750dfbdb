"""The visa officer and the pilgrim in a browser: the officer refuses one application and
approves another from the consular queue with the keyboard; the pilgrim tracks the
approved one by its number and passport and finds the e-visa link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from masar.applications.lock_objects import application_lock
from masar.applications.models import Application
from masar.applications.services import (
    application_company_approve,
    application_create,
    application_submit,
)
from masar.applications.services.transitions import application_transition
from masar.visas.keys import settings_key_store
from masar.visas.services import visa_issue
from tests.applications import conftest as applications_fixtures
from tests.applications.factories import GroupFactory, pilgrim_values, quota
from tests.browser.conftest import sign_in
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db(transaction=True)

season = applications_fixtures.season


@pytest.fixture
def keys(settings: Any, tmp_path: Path) -> Any:
    settings.MASAR_KEYS_DIR = str(tmp_path / "keys")
    settings_key_store.cache_clear()
    settings_key_store().init()
    yield
    settings_key_store.cache_clear()


def _in_decision(group: Any, agent_staff: Any, company_staff: Any, **pilgrim: Any) -> Application:
    app = application_create(actor=agent_staff, group=group, pilgrim=pilgrim_values(**pilgrim))
    application_submit(actor=agent_staff, application=app)
    application_company_approve(actor=company_staff, application=app)
    with transaction.atomic():
        application_transition(
            actor=None, application=application_lock(app.pk), name="screen_clear"
        )
    return Application.objects.select_related("pilgrim").get(pk=app.pk)


def test_the_officer_decides_and_the_pilgrim_tracks(
    page: Any,
    browser: Any,
    live_server: Any,
    season: Any,
    company: Any,
    agent: Any,
    agent_staff: Any,
    company_staff: Any,
    visa_officer: Any,
    keys: Any,
) -> None:
    ContractFactory(
        company=company,
        agent=agent,
        countries=[agent.country],
        valid_from=season.starts_on,
        valid_until=season.ends_on,
    )
    quota(season=season, company=company, limit=100)
    quota(season=season, agent=agent, limit=100)
    group = GroupFactory(season=season, company=company, agent=agent)
    refused = _in_decision(group, agent_staff, company_staff)
    approved = _in_decision(group, agent_staff, company_staff, surname="Hidayat")

    sign_in(page, visa_officer.username)
    page.goto("/visas/decisions/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator(f"#app-{refused.pk}").focus()
    page.keyboard.press("Space")
    page.select_option("#d-decision", "reject")
    page.select_option("#d-code", "documents")
    page.locator("fieldset button[type=submit]").press("Enter")
    page.wait_for_selector("#confirm-button")
    assert Application.objects.get(pk=refused.pk).status == "decision"
    page.locator("#confirm-button").press("Enter")
    page.wait_for_selector(".messages")
    assert Application.objects.get(pk=refused.pk).status == "rejected"
    page.locator(f"#app-{approved.pk}").check()
    page.select_option("#d-decision", "approve")
    page.locator("fieldset button[type=submit]").click()
    page.wait_for_selector("#confirm-button")
    page.locator("#confirm-button").click()
    page.wait_for_selector(".messages")
    assert Application.objects.get(pk=approved.pk).status == "approved"
    visa = visa_issue(actor=None, application_id=approved.pk)
    assert visa is not None

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        pilgrim = context.new_page()
        pilgrim.set_default_timeout(15_000)
        pilgrim.goto("/track/")
        pilgrim.fill("#track-application", approved.number)
        pilgrim.fill("#track-passport", approved.pilgrim.passport_number)
        pilgrim.keyboard.press("Enter")
        pilgrim.wait_for_selector("#steps-h")
        # submitted, decided by the company, the consular decision, issued: the security
        # review is not a step anyone with the two values sees (no tip-off)
        assert pilgrim.locator("tbody tr").count() == 4
        assert pilgrim.locator("form[action*='document.pdf']").count() == 1
        assert approved.pilgrim.passport_number not in pilgrim.url
        pilgrim.fill("#track-passport", "WRONG123")
        pilgrim.keyboard.press("Enter")
        pilgrim.wait_for_selector("[role=alert]")
        assert pilgrim.locator("form[action*='document.pdf']").count() == 0
        pilgrim.wait_for_load_state("networkidle")
    finally:
        context.close()
    page.wait_for_load_state("networkidle")
