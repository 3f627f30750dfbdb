"""Decisions that cannot flip, in a browser: the consular queue after a failed submission
shows what the officer chose (the row ticked, Refuse, the explanation) with the problem
listed at the top, and records only after a confirmation step with the count; a refusal
reason sent with Approve is refused, never turned into an approval. The border desk
answers unreadable input with "not read, scan again", focus back in the scan field, and
Enter there does not record a refusal. axe-core finds nothing on any page visited."""

from __future__ import annotations

from typing import Any

import pytest

from masar.applications.models import Application
from masar.border.models import Crossing, PortAssignment
from masar.visas.models import Visa
from tests.border.test_lists import make_port
from tests.browser.axe import axe_violations, screenshot
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


def _focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement && document.activeElement.id"))


def test_a_failed_refusal_keeps_the_choice_and_never_approves(
    page: Any, in_decision: Any, visa_officer: Any
) -> None:
    app, other = in_decision(), in_decision()
    sign_in(page, visa_officer.username)
    page.goto("/visas/decisions/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert axe_violations(page) == []

    # Refuse with no coded reason: the page comes back with the same choice
    page.locator(f"#app-{app.pk}").check()
    page.select_option("#d-decision", "reject")
    page.fill("#d-reason", "صفحة الصورة غير مقروءة")
    page.locator("#decision-form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert page.locator(f"#app-{app.pk}").is_checked()
    assert not page.locator(f"#app-{other.pk}").is_checked()
    assert page.locator("#d-decision").input_value() == "reject"
    assert page.locator("#d-reason").input_value() == "صفحة الصورة غير مقروءة"
    assert page.locator(".error-summary a").get_attribute("href") == "#d-code"
    assert page.locator(".error-summary").evaluate("e => e === document.activeElement")
    screenshot(page, "consular-error-summary-ar.png")
    assert axe_violations(page) == []

    # The old flip: a refusal code with Approve left selected is refused, not approved
    page.select_option("#d-decision", "approve")
    page.select_option("#d-code", "security")
    page.locator("#decision-form button[type=submit]").click()
    page.wait_for_selector(".error-summary a[href='#d-code']")
    assert Application.objects.get(pk=app.pk).status == "decision"
    assert not Visa.objects.exists()

    # The link takes the keyboard to the field; choose Refuse and check
    page.locator(".error-summary a").click()
    assert _focused_id(page) == "d-code"
    page.select_option("#d-decision", "reject")
    page.locator("#decision-form button[type=submit]").click()
    page.wait_for_selector("[data-decision=reject]")
    confirm = page.locator(".confirm")
    assert confirm.get_attribute("data-count") == "1"
    assert "رفض طلب واحد" in confirm.inner_text()
    assert Application.objects.get(pk=app.pk).status == "decision"  # not before confirming
    screenshot(page, "consular-confirm-ar.png")
    assert axe_violations(page) == []
    page.locator("#confirm-button").click()
    page.wait_for_selector(".messages")
    assert "المرفوضة: 1." in page.locator(".messages").inner_text()
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert (statuses[app.pk], statuses[other.pk]) == ("rejected", "decision")
    assert not Visa.objects.exists()


def test_the_desk_asks_for_another_scan_and_records_nothing(
    page: Any, border_officer: Any, season: Any
) -> None:
    PortAssignment.objects.create(user=border_officer, port=make_port("JED", "Jeddah"))
    sign_in(page, border_officer.username)
    page.wait_for_selector("main")
    page.goto("/border/officer/")
    assert _focused_id(page) == "id_scan"
    page.keyboard.type("hello world")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-verdict=not-read]")
    assert page.locator("#record-form").count() == 0
    assert _focused_id(page) == "id_scan"
    # the unread text is selected: the next scan replaces it; Enter again only re-checks
    assert page.evaluate(
        "() => { const f = document.getElementById('id_scan');"
        " return f.selectionStart === 0 && f.selectionEnd === f.value.length; }"
    )
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-verdict=not-read]")
    assert Crossing.objects.count() == 0
    screenshot(page, "border-not-read-ar.png")
    assert axe_violations(page) == []
