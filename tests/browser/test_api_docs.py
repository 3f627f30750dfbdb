from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_offline_under_the_csp(page, live_server):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/api/v1/docs/")
    page.wait_for_selector("text=Masar API")
    # Swagger UI renders the operations near the viewport first: the first tag's is enough
    # to show that the schema loaded and rendered.
    page.wait_for_selector("text=/api/v1/agents/")
    assert not [p for p in problems if "Content Security Policy" in p]
    foreign = [
        u for u in requests if not u.startswith(live_server.url) and not u.startswith("data:")
    ]
    assert foreign == []
