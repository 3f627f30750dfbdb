"""The security analyst's journey in a browser: the queue, a hit beside the applicant with
the matched words marked, a decision taken with the keyboard; the applicant's status
follows and the decision is in the audit trail."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from masar.applications.models import Application
from masar.applications.services import application_company_approve, application_submit
from masar.core.models import AuditEntry
from masar.screening.indexes import index_cache_clear
from masar.screening.models import FalsePositive, Review
from masar.screening.tasks import screen_application
from tests.applications import conftest as applications_fixtures
from tests.applications.factories import GroupFactory, pilgrim_values, quota
from tests.browser.conftest import sign_in
from tests.factories import ContractFactory
from tests.screening.factories import make_watchlist

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page, name: str) -> None:
    if os.environ.get("MASAR_SCREENSHOTS"):
        out = Path(os.environ["MASAR_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / name), full_page=True)


def _referred(season, company, agent, agent_staff, company_staff, **pilgrim) -> Application:
    from masar.applications.services import application_create

    group = GroupFactory(season=season, company=company, agent=agent)
    app = application_create(actor=agent_staff, group=group, pilgrim=pilgrim_values(**pilgrim))
    application_submit(actor=agent_staff, application=app)
    application_company_approve(actor=company_staff, application=app)
    screen_application.call(application_id=app.pk)
    return Application.objects.get(pk=app.pk)


# A season whose calendar is open around today (the applications tests' fixture).
season = applications_fixtures.season


def test_the_analyst_decides_referrals_with_the_keyboard(
    page, season, company, agent, agent_staff, company_staff, security_analyst
):
    index_cache_clear()
    ContractFactory(
        company=company,
        agent=agent,
        countries=[agent.country],
        valid_from=season.starts_on,
        valid_until=season.ends_on,
    )
    quota(season=season, company=company, limit=100)
    quota(season=season, agent=agent, limit=100)
    make_watchlist(
        [
            {
                "id": "MOI-1",
                "name": "Siti Nur Rahman",
                "aliases": ["سيتي نور رحمن"],
                "birth_date": "1985-03-14",
                "nationality": "IDN",
                "reason": "Forged travel documents",
            },
            {"id": "MOI-2", "name": "Ahmad Fauzi Hidayat", "birth_date": "1979"},
        ]
    )
    siti = _referred(season, company, agent, agent_staff, company_staff)
    ahmad = _referred(
        season,
        company,
        agent,
        agent_staff,
        company_staff,
        surname="Hidayat",
        given_names="Ahmad Fauzi",
        native_name="",
        sex="M",
        birth_date=siti.pilgrim.birth_date.replace(year=1979),
    )
    assert (siti.status, ahmad.status) == ("referred", "referred")
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )

    sign_in(page, security_analyst.username)
    page.wait_for_selector("main")
    page.goto("/screening/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 2
    _shot(page, "screening-queue-ar.png")
    # j moves to the first review, Enter opens it
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_selector("#decision-form")
    first = Review.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))
    assert page.locator(".applicant-side mark").count() >= 2
    assert page.locator(".aliases li.matched mark").count() >= 2
    _shot(page, "screening-review-ar.png")

    # f chooses "false positive" and puts the cursor in the reason; the code field hides
    page.keyboard.press("f")
    assert page.locator("#id_reason").evaluate("el => el === document.activeElement")
    assert page.locator("[data-for-decision=true_match]").is_hidden()
    page.keyboard.type("Different father's name and place of birth.")
    page.keyboard.press("Control+Enter")
    # the next pending review opens at once
    page.wait_for_url(lambda url: f"/screening/reviews/{first.pk}/" not in url)
    page.wait_for_selector("#decision-form")
    assert page.locator(".messages li").count() == 1

    # t chooses "true match" and focuses the coded reason
    page.keyboard.press("t")
    assert page.locator("#id_reason_code").evaluate("el => el === document.activeElement")
    page.select_option("#id_reason_code", "watchlist_match")
    page.click("#decide")
    page.wait_for_url("**/screening/")
    assert page.locator("table.queue tbody td[colspan]").count() == 1  # nothing is waiting

    first.refresh_from_db()
    decided = {r.application_id: r for r in Review.objects.all()}
    assert {decided[siti.pk].status, decided[ahmad.pk].status} == {"cleared", "confirmed"}
    cleared = next(r for r in decided.values() if r.status == "cleared")
    confirmed = next(r for r in decided.values() if r.status == "confirmed")
    assert Application.objects.get(pk=cleared.application_id).status == "decision"
    assert Application.objects.get(pk=confirmed.application_id).status == "rejected"
    assert FalsePositive.objects.filter(review=cleared).count() == 1
    assert set(
        AuditEntry.objects.filter(action="screening.review_decide").values_list(
            "actor_id", "target_id"
        )
    ) == {(security_analyst.pk, str(cleared.pk)), (security_analyst.pk, str(confirmed.pk))}
    assert errors == []

    # the agent sees the status of the application, nothing of the screening
    page.context.clear_cookies()
    sign_in(page, agent_staff.username)
    page.wait_for_selector("main")
    page.goto(f"/applications/{confirmed.application_id}/")
    body = page.inner_text("main")
    assert "MOI" not in body and "Forged" not in body
    assert page.goto("/screening/").status == 403
