"""The dashboards in a browser, from the demonstration season: the ministry of Hajj and
Umrah, the foreign ministry, the interior ministry and a company, each in Arabic and in
English, with charts drawn by the vendored Chart.js (no inline script under the CSP) and
never empty. With MASAR_SCREENSHOTS=DIR the ministry's (Arabic) and a company's (English)
dashboards are saved there (tools/reporting_screenshots.py writes docs/screenshots/)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from masar.demo.seed import DEFAULT_PASSWORD, demo_seed
from masar.reporting.models import DailyCount
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

DASHBOARDS = [
    # user, title (en), title (ar), screenshot name when wanted
    ("hajj.analyst", "Season dashboard", "لوحة الموسم", {"ar": "dashboard-ministry-ar.png"}),
    ("mofa.visa", "Visa dashboard", "لوحة التأشيرات", {}),
    ("moi.analyst", "Ports and stays dashboard", "لوحة المنافذ والإقامة", {}),
    ("company1.staff", "Company dashboard", "لوحة الشركة", {"en": "dashboard-company-en.png"}),
]


@pytest.fixture
def demo(settings: Any, tmp_path: Any) -> None:
    from masar.visas.keys import settings_key_store

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MASAR_KEYS_DIR = str(tmp_path / "keys")
    settings_key_store.cache_clear()
    os.environ.pop("MASAR_DEMO_PASSWORD", None)
    demo_seed(stdout=io.StringIO())
    yield
    settings_key_store.cache_clear()


def _language(page: Any, language: str) -> None:
    switch = page.locator(f"form.lang button[value={language}]")
    if switch.count():
        switch.click()
        page.wait_for_load_state("load")


def test_every_dashboard_in_both_languages_with_charts(page: Any, demo: None) -> None:
    assert DailyCount.objects.exists()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for username, title_en, title_ar, shots in DASHBOARDS:
        page.context.clear_cookies()
        sign_in(page, username, DEFAULT_PASSWORD)
        for language, title in (("ar", title_ar), ("en", title_en)):
            page.goto("/reporting/")
            _language(page, language)
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator("html").get_attribute("dir") == (
                "rtl" if language == "ar" else "ltr"
            )
            assert title in page.locator("h1").inner_text()
            page.wait_for_selector("canvas[data-drawn]")
            canvases = page.locator("canvas[data-chart]")
            drawn = [
                float(canvases.nth(i).get_attribute("data-drawn") or 0)
                for i in range(canvases.count())
            ]
            assert drawn, username
            assert all(value > 0 for value in drawn), (username, language, drawn)
            # Every table offers its exports.
            assert page.locator("a[href*='/reporting/export/'][href*='.xlsx']").count() >= len(
                drawn
            )
            if language in shots and os.environ.get("MASAR_SCREENSHOTS"):
                out = Path(os.environ["MASAR_SCREENSHOTS"])
                out.mkdir(parents=True, exist_ok=True)
                page.set_viewport_size({"width": 1280, "height": 900})
                page.screenshot(path=str(out / shots[language]), full_page=True)
    assert [e for e in errors if "favicon" not in e] == []
