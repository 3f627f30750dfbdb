"""A company's border lists in a browser: its pilgrims in the country (counted by city),
those due to leave, and an overstayer for whom it files an escape notice with evidence."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from masar.border.models import EscapeNotice
from masar.core.dates import riyadh_today
from tests.border.test_lists import make_overstay, make_port, make_stay
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page: Any, name: str) -> None:
    if os.environ.get("MASAR_SCREENSHOTS"):
        out = Path(os.environ["MASAR_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / name), full_page=True)


def test_a_company_reads_its_lists_and_files_an_escape_notice(
    page: Any,
    settings: Any,
    tmp_path: Path,
    season: Any,
    company: Any,
    agent: Any,
    other_company: Any,
    other_agent: Any,
    company_staff: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    today = riyadh_today()
    make_stay(
        season=season,
        company=company,
        agent=agent,
        permitted_departure=today + dt.timedelta(days=1),
        passport_number="C2000001",
    )
    make_stay(
        season=season,
        company=company,
        agent=agent,
        permitted_departure=today + dt.timedelta(days=20),
        port=make_port("MED", "Madinah"),
        nationality="MYS",
        passport_number="C2000002",
    )
    make_stay(
        season=season,
        company=other_company,
        agent=other_agent,
        permitted_departure=today,
        passport_number="C2000003",
    )
    overstay = make_overstay(
        make_stay(
            season=season,
            company=company,
            agent=agent,
            permitted_departure=today - dt.timedelta(days=3),
            passport_number="C2000004",
        )
    )

    sign_in(page, company_staff.username)
    page.wait_for_selector("main")
    page.goto("/border/in-country/?group=city")
    assert page.locator("html").get_attribute("dir") == "rtl"
    body = page.inner_text("main")
    assert "C2000001" in body and "C2000002" in body and "C2000004" in body
    assert "C2000003" not in body  # another company's pilgrim
    rows = page.locator("table.groups tbody tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(rows.count())] == [
        ["جدة", "2"],
        ["المدينة المنورة", "1"],
    ]
    _shot(page, "border-in-country-ar.png")

    page.goto("/border/due/?days=2")
    assert "C2000001" in page.inner_text("table.stays")
    assert "C2000002" not in page.inner_text("table.stays")

    page.goto("/border/overstays/")
    _shot(page, "border-overstays-ar.png")
    page.locator(f"tr[data-overstay='{overstay.pk}'] a[href$='escape-notice/']").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("form[enctype='multipart/form-data']")
    page.locator("#id_statement").focus()
    page.keyboard.type("Left the hotel in Makkah on the evening of the permitted day.")
    evidence = tmp_path / "police-report.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% police report\n")
    page.set_input_files("#id_evidence", str(evidence))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/border/overstays/")
    assert page.locator(".messages li").count() == 1
    assert page.locator(f"tr[data-overstay='{overstay.pk}'] .badge.filed").count() == 1
    notice = EscapeNotice.objects.get()
    assert (notice.overstay_id, notice.filed_by_id, notice.late) == (
        overstay.pk,
        company_staff.pk,
        False,
    )
    _shot(page, "border-overstays-filed-ar.png")
