"""No text overflows its box on the key pages, on a phone (390 px) and a desktop (1366 px),
in Arabic and in English: the pilgrim's tracker, the home of each main role, the case
file, the border desk, the dashboards and the compliance tiles, on the demonstration
season.

A finding is an element with text of its own that
- is wider than its box (scrollWidth > clientWidth) and does not scroll, whether the
  text spills out or is clipped ("-12-07" of a date cut by its box);
- sticks out of the box of the block that holds it (an inline date, amount or code);
- extends beyond the viewport horizontally, outside any region that scrolls;
and a step of the tracker whose day (both calendars) does not fit on one line.

With the demonstration data it also writes the Arabic screenshots docs/screenshots/ shows:
the tracker on a phone (tracker-phone-ar.png), a company's home (home-company-demo-ar.png)
and the audit trail (audit-trail-ar.png).
"""

from __future__ import annotations

import io
import os
from typing import Any

import pytest

from masar.applications.models import Application
from masar.demo.seed import DEFAULT_PASSWORD, demo_seed
from tests.browser.axe import screenshot
from tests.browser.conftest import language_context, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}

# (user, pages): the home of each main role and the pages each one works on.
ROLES: list[tuple[str, list[str]]] = [
    ("company1.staff", ["/", "/compliance/", "/reporting/"]),
    ("agent1.staff", ["/"]),
    ("hajj.licensing", ["/", "/companies/"]),
    ("hajj.analyst", ["/", "/reporting/"]),
    ("mofa.visa", ["/", "{case}"]),
    ("moi.security", ["/"]),
    ("border.jed", ["/", "/border/officer/"]),
    ("hajj.supervisor", ["/audit/"]),
]

FINDINGS_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = (cs) => /(auto|scroll)/.test(cs.overflowX);
  const clipped = (el) => {
    // the visually-hidden pattern (a 1-px box that hides its overflow), by class or by rule
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a), r = a.getBoundingClientRect();
      if (/(hidden|clip)/.test(cs.overflow) && (r.width <= 1 || r.height <= 1)) { return true; }
    }
    return false;
  };
  const hidden = (el) => !!el.closest(
    '.visually-hidden, [hidden], [aria-hidden=true], script, style, template, svg, canvas, option, select')
    || clipped(el);
  const inScroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (scrolls(getComputedStyle(a))) { return true; }
    }
    return false;
  };
  const label = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    return el.tagName.toLowerCase() + id + cls + ' "' + el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60) + '"';
  };
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const ownText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!ownText || hidden(el)) { continue; }
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') { continue; }
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) { continue; }
    const scroller = inScroller(el);
    if (cs.display !== 'inline' && !scrolls(cs) && el.scrollWidth > el.clientWidth + 1
        && el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA') {
      found.push('overflows its box: ' + label(el) + ' ' + el.scrollWidth + '>' + el.clientWidth);
      continue;
    }
    if (cs.display === 'inline') {
      let block = el.parentElement;
      while (block && getComputedStyle(block).display === 'inline') { block = block.parentElement; }
      if (block && !scrolls(getComputedStyle(block))) {
        const b = block.getBoundingClientRect();
        if (r.left < b.left - 1 || r.right > b.right + 1) {
          found.push('sticks out of ' + label(block).split(' ')[0] + ': ' + label(el));
          continue;
        }
      }
    }
    if (!scroller && (r.left < -1 || r.right > vw + 1)) {
      found.push('beyond the viewport: ' + label(el) + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + vw);
    }
  }
  return found;
}
"""


@pytest.fixture
def demo(settings: Any, tmp_path: Any) -> Any:
    from masar.visas.keys import settings_key_store

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MASAR_KEYS_DIR = str(tmp_path / "keys")
    settings_key_store.cache_clear()
    os.environ.pop("MASAR_DEMO_PASSWORD", None)
    demo_seed(stdout=io.StringIO())
    yield
    settings_key_store.cache_clear()


TRACKER_LINES_JS = """
() => [...document.querySelectorAll('table.steps tbody tr')].filter(tr => {
  const td = tr.querySelector('td');
  const cs = getComputedStyle(td);
  const content = td.getBoundingClientRect().height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
  const line = parseFloat(cs.lineHeight) || 1.2 * parseFloat(cs.fontSize);
  return content > 1.5 * line;
}).map(tr => tr.textContent.trim().replace(/\\s+/g, ' '))
"""


def overflow_findings(page: Any) -> list[str]:
    """What overflows on the page as it is now (see the module's docstring)."""
    findings: list[str] = page.evaluate(FINDINGS_JS)
    return findings


def _tracked() -> Application:
    """An application of the demonstration with the longest journey: issued and entered."""
    app = (
        Application.objects.select_related("pilgrim")
        .filter(issued_at__isnull=False, entered_at__isnull=False)
        .order_by("pk")
        .first()
    ) or Application.objects.select_related("pilgrim").filter(issued_at__isnull=False).first()
    assert app is not None, "the demonstration has an issued visa"
    return app


def _case_url() -> str:
    app = Application.objects.filter(decided_at__isnull=False).order_by("pk").first()
    assert app is not None
    return f"/applications/{app.pk}/"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_no_text_overflows_on_the_key_pages(
    browser: Any, live_server: Any, demo: None, language: str
) -> None:
    app = _tracked()
    case = _case_url()
    findings: list[str] = []
    context = language_context(browser, live_server, language)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)

        def check(where: str) -> None:
            page.wait_for_load_state("load")
            findings.extend(f"{where}: {f}" for f in overflow_findings(page))

        for name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto("/track/")
            page.fill("#track-application", app.number)
            page.fill("#track-passport", app.pilgrim.passport_number)
            page.click("form.card button[type=submit]")
            page.wait_for_selector("#steps-h")
            check(f"{language} {name} /track/")
            # each step's day on one line, on a phone too
            findings.extend(
                f"{language} {name} /track/: the step's date wraps: {row}"
                for row in page.evaluate(TRACKER_LINES_JS)
            )
            if language == "ar" and name == "phone":
                screenshot(page, "tracker-phone-ar.png")
        for username, urls in ROLES:
            context.clear_cookies()
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page.set_viewport_size({"width": 1366, "height": 900})
            sign_in(page, username, DEFAULT_PASSWORD)
            page.wait_for_selector("main h1")
            for url in urls:
                target = case if url == "{case}" else url
                for name, (width, height) in WIDTHS.items():
                    page.set_viewport_size({"width": width, "height": height})
                    page.goto(target)
                    page.wait_for_selector("main h1")
                    check(f"{language} {name} {username} {target}")
                    if language == "ar" and name == "desktop":
                        if (username, url) == ("company1.staff", "/"):
                            screenshot(page, "home-company-demo-ar.png")
                        if url == "/audit/":
                            screenshot(page, "audit-trail-ar.png")
    finally:
        context.close()
    assert findings == [], "\n".join(findings)
