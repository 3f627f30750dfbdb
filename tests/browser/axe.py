"""axe-core (vendored under tests/browser/vendor/, MPL-2.0) run in the page a browser test
is on: the WCAG 2.x A and AA rules, and the screenshots the docs show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

VENDOR = Path(__file__).parent / "vendor"
AXE_SOURCE = VENDOR / "axe-4.10.3.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The axe-core violations of the page as it is now: rule id, impact and the nodes."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated through the debugging protocol, not a <script>: the page's CSP stays
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(" ") + " " + n.html + " " + n.failureSummary)
            }));
        }""",
        WCAG_TAGS,
    )
    return found


def screenshot(page: Any, name: str) -> None:
    """Save the page under docs/screenshots/ (the docs and the README show them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
