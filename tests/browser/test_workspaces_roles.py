"""More role golden paths in a browser, in Arabic and in English, from the home page to the
finished task; axe-core finds nothing on any page visited, one screenshot per role and
language goes to docs/screenshots/.

- The security analyst: home (referrals to review) → the referrals → the review → cleared.
- The border officer: home → the border desk → a valid visa's MRZ → the entry recorded.
- The trainer: home (sessions to run) → its sessions → the sheet → attendance and a score.
- The ministry analyst: home → the dashboards → the charts drawn.

The border officer and the analyst have no work-queue lines: their home opens with a
button to their desk or the dashboards, which the journey follows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.applications.models import Application
from masar.applications.services import application_company_approve, application_submit
from masar.border.models import Crossing, PortAssignment
from masar.core.dates import riyadh_today
from masar.reporting.services import indicators_refresh
from masar.screening.indexes import index_cache_clear
from masar.screening.models import Review
from masar.screening.tasks import screen_application
from masar.training.models import AttendanceRecord, Enrolment
from tests.border.test_lists import make_port
from tests.browser.axe import axe_violations, screenshot
from tests.browser.conftest import language_context, sign_in
from tests.factories import UserFactory
from tests.reporting import conftest as reporting_fixtures
from tests.screening.factories import make_watchlist
from tests.training.factories import CourseFactory, EnrolmentFactory, SessionFactory
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

rseason = reporting_fixtures.rseason
ports = reporting_fixtures.ports
record = reporting_fixtures.record
recorded = reporting_fixtures.recorded


def _clean(page: Any) -> None:
    assert axe_violations(page) == [], page.url


def _home(page: Any, username: str, language: str) -> None:
    page.set_default_timeout(20_000)
    sign_in(page, username)
    page.wait_for_selector("main h1")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_security_analyst_clears_the_waiting_referral(
    browser: Any,
    live_server: Any,
    make_draft: Any,
    agent_staff: Any,
    company_staff: Any,
    security_analyst: Any,
    language: str,
) -> None:
    index_cache_clear()
    make_watchlist(
        [
            {
                "id": "MOI-1",
                "name": "Siti Nur Rahman",
                "aliases": ["سيتي نور رحمن"],
                "birth_date": "1985-03-14",
                "nationality": "IDN",
                "reason": "Forged travel documents",
            }
        ]
    )
    app = make_draft()
    application_submit(actor=agent_staff, application=app)
    application_company_approve(actor=company_staff, application=app)
    screen_application.call(application_id=app.pk)
    assert Application.objects.get(pk=app.pk).status == "referred"
    review = Review.objects.get(application_id=app.pk)
    context = language_context(browser, live_server, language)
    try:
        page = context.new_page()
        _home(page, security_analyst.username, language)
        page.wait_for_selector(".work-queue")
        row = page.locator("tr[data-queue=referrals]")
        assert row.get_attribute("data-count") == "1"
        screenshot(page, f"home-security-analyst-{language}.png")
        _clean(page)
        row.locator("a").click()
        page.wait_for_selector("table.queue")
        assert page.locator("table.queue tbody tr").count() == 1
        _clean(page)
        page.locator(f"table.queue a[href*='/screening/reviews/{review.pk}/']").first.click()
        page.wait_for_selector("#decision-form")
        _clean(page)
        page.keyboard.press("f")  # false positive: the cursor goes to the reason
        assert page.locator("#id_reason").evaluate("el => el === document.activeElement")
        page.keyboard.type("Different father's name and place of birth.")
        page.keyboard.press("Control+Enter")
        page.wait_for_url("**/screening/")
        page.wait_for_selector(".messages")
        _clean(page)
        review.refresh_from_db()
        assert review.status == "cleared"
        assert Application.objects.get(pk=app.pk).status == "decision"
    finally:
        context.close()


def _scan(page: Any, mrz: str) -> None:
    for line in mrz.split("\n"):
        page.keyboard.type(line)
        page.keyboard.press("Enter")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_border_officer_records_the_entry(
    browser: Any, live_server: Any, issued: Any, border_officer: Any, language: str
) -> None:
    PortAssignment.objects.create(user=border_officer, port=make_port("JED", "Jeddah"))
    visa = issued()
    context = language_context(browser, live_server, language)
    try:
        page = context.new_page()
        _home(page, border_officer.username, language)
        assert page.locator(".work-queue").count() == 0  # no queue: the desk is one click
        _clean(page)
        page.locator("main a[href='/border/officer/']").click()
        page.wait_for_selector("#id_scan")
        _clean(page)
        page.locator("#id_scan").focus()
        _scan(page, visa.application.pilgrim.mrz)
        page.wait_for_selector("[data-verdict=allowed]")
        assert visa.number in page.locator("#verdict").inner_text()
        screenshot(page, f"home-border-officer-{language}.png")
        _clean(page)
        page.locator("#record-button").click()
        page.wait_for_selector("[data-recorded]")
        assert page.locator("[data-recorded]").get_attribute("data-outcome") == "accepted"
        _clean(page)
        crossing = Crossing.objects.get()
        assert (crossing.direction, crossing.outcome) == ("entry", "accepted")
        assert crossing.passport_number == visa.application.pilgrim.passport_number
        assert Application.objects.get(pk=visa.application_id).status == "entered"
    finally:
        context.close()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_trainer_records_attendance_and_a_score(
    browser: Any, live_server: Any, mohu: Any, company_staff: Any, language: str
) -> None:
    trainer = UserFactory(organization=mohu, username="hajj.trainer", roles=["trainer"])
    course = CourseFactory(
        title_en="Using the Umrah e-system",
        title_ar="استخدام نظام العمرة الإلكتروني",
        audience_roles=["company_staff"],
        pass_mark=70,
    )
    today = riyadh_today()
    session = SessionFactory(
        course=course,
        trainer=trainer,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today,
    )
    enrolment = EnrolmentFactory(session=session, person=company_staff)
    context = language_context(browser, live_server, language)
    try:
        page = context.new_page()
        _home(page, trainer.username, language)
        page.wait_for_selector(".work-queue")
        row = page.locator("tr[data-queue=sessions]")
        assert row.get_attribute("data-count") == "1"
        screenshot(page, f"home-trainer-{language}.png")
        _clean(page)
        row.locator("a").click()
        page.wait_for_selector(f"a[href='/training/trainer/sessions/{session.pk}/']")
        _clean(page)
        page.locator(f"a[href='/training/trainer/sessions/{session.pk}/']").click()
        page.wait_for_selector("#save-attendance")
        _clean(page)
        page.check(f"#present-{company_staff.pk}")
        page.click("#save-attendance")
        page.wait_for_selector(".messages li")
        _clean(page)
        page.fill(f"#score-{company_staff.pk}", "86")
        page.click("#save-scores")
        page.wait_for_selector(".messages li")
        assert page.locator(f"#score-{company_staff.pk}").input_value() == "86.00"
        _clean(page)
        attendance = AttendanceRecord.objects.get(enrolment=enrolment)
        assert attendance.present is True
        assert attendance.recorded_by_id == trainer.pk
        assert str(Enrolment.objects.get(pk=enrolment.pk).score) == "86.00"
    finally:
        context.close()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_ministry_analyst_reads_the_dashboard(
    browser: Any, live_server: Any, recorded: Any, ministry_analyst: Any, language: str
) -> None:
    indicators_refresh(season=recorded["season"])
    context = language_context(browser, live_server, language)
    try:
        page = context.new_page()
        _home(page, ministry_analyst.username, language)
        assert page.locator(".work-queue").count() == 0  # no queue: the dashboards are one click
        _clean(page)
        page.locator("main a[href='/reporting/']").click()
        page.wait_for_selector("canvas[data-drawn]")
        title = "لوحة الموسم" if language == "ar" else "Season dashboard"
        assert title in page.locator("h1").inner_text()
        canvases = page.locator("canvas[data-chart]")
        drawn = [
            float(canvases.nth(i).get_attribute("data-drawn") or 0) for i in range(canvases.count())
        ]
        assert drawn
        assert all(value > 0 for value in drawn), drawn
        screenshot(page, f"home-ministry-analyst-{language}.png")
        _clean(page)
    finally:
        context.close()
