"""The training journey in a browser: a supervisor nominates, the trainer records
attendance and a pass, the certificate verifies publicly, and the person may now act in
the role that requires it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from masar.core.dates import riyadh_today
from masar.core.errors import Forbidden
from masar.training.models import Certificate
from masar.training.services import require_certified
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.training.factories import CourseFactory, RoleRequirementFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page, name: str) -> None:
    if os.environ.get("MASAR_SCREENSHOTS"):
        out = Path(os.environ["MASAR_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / name), full_page=True)


def test_nominate_attend_pass_verify_and_act(page, company, company_staff, mohu):
    supervisor = UserFactory(
        organization=company.organization, username="company.supervisor", roles=["supervisor"]
    )
    trainer = UserFactory(organization=mohu, username="hajj.trainer", roles=["trainer"])
    company_staff.first_name, company_staff.last_name = "Khalid", "Al-Harbi"
    company_staff.full_name_ar = "خالد الحربي"
    company_staff.save()
    course = CourseFactory(
        code="umrah-esystem",
        title_en="Using the Umrah e-system",
        title_ar="استخدام نظام العمرة الإلكتروني",
        audience_roles=["company_staff"],
        attendance_required_pct=100,
        pass_mark=70,
        self_enrolment=False,
    )
    today = riyadh_today()
    yesterday = today - dt.timedelta(days=1)
    session = SessionFactory(
        course=course, trainer=trainer, starts_on=yesterday, ends_on=today, capacity=5
    )
    RoleRequirementFactory(role="company_staff", course=course)
    with pytest.raises(Forbidden):
        require_certified(actor=company_staff, role="company_staff")
    errors: list[str] = []
    # The browser's own request for /favicon.ico (the site has none) is not a page error.
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} {m.location.get('url')}")
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )

    # The company's supervisor nominates one of its staff.
    sign_in(page, supervisor.username)
    page.wait_for_selector("main")
    page.goto(f"/training/sessions/{session.pk}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.select_option("#nominee", str(company_staff.pk))
    page.click("#nominate")
    page.wait_for_selector(".messages li")
    assert "خالد الحربي" in page.inner_text("#enrolment-panel")  # the name in the page's language
    _shot(page, "training-nominate-ar.png")
    page.context.clear_cookies()

    # The trainer marks both days and a passing score, then makes the results final.
    sign_in(page, trainer.username)
    page.wait_for_selector("main")
    page.goto(f"/training/trainer/sessions/{session.pk}/?day={yesterday.isoformat()}")
    page.check(f"#present-{company_staff.pk}")
    page.click("#save-attendance")
    page.wait_for_selector(".messages li")
    page.goto(f"/training/trainer/sessions/{session.pk}/?day={today.isoformat()}")
    page.click("#all-present")
    page.wait_for_selector(".messages li")
    page.fill(f"#score-{company_staff.pk}", "86")
    page.click("#save-scores")
    page.wait_for_selector(".messages li")
    assert page.locator(f"#score-{company_staff.pk}").input_value() == "86.00"
    _shot(page, "training-sheet-ar.png")
    page.click("#close-session")
    page.wait_for_selector(".messages li")
    certificate = Certificate.objects.get(holder=company_staff)
    page.context.clear_cookies()

    # Anyone scanning the QR sees the certificate's name, course and validity.
    page.goto(f"/verify/certificate/{certificate.code}")
    assert page.locator("#verify-state").get_attribute("class") == "state valid"
    assert page.inner_text("#verify-holder") == "خالد الحربي"
    assert page.inner_text("#verify-course") == "استخدام نظام العمرة الإلكتروني"
    assert "company.supervisor" not in page.inner_text("main")
    _shot(page, "training-verify-ar.png")

    # And the person may now act as company staff.
    assert require_certified(actor=company_staff, role="company_staff") is None
    assert errors == []
