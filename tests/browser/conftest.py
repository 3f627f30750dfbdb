"""Browser tests: Playwright driving Debian's chromium (/usr/bin/chromium).

Without Chromium they are skipped with a message, except with CI=true, where a missing
browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("MASAR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One browser test at a time per xdist worker group keeps the 2-core box responsive.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the ORM calls the tests make around it
    # are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="ar-SA")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def language_context(browser: Any, live_server: Any, language: str, **options: Any) -> Any:
    """A browser context that reads the site in `language` ("ar" or "en"): the browser's
    locale and Masar's language cookie both set."""
    locale = "ar-SA" if language == "ar" else "en-GB"
    context = browser.new_context(base_url=live_server.url, locale=locale, **options)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context


def sign_in(page: Any, username: str, password: str = "masar-test-pw") -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
