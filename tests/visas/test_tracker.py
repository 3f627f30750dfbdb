"""The pilgrim's tracker: both values required (a missing one is a validation error), one
refusal for a wrong pair that says nothing of which value was wrong, the steps in both
calendars, the e-visa by the same pair; rate-limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

TRACK = "/api/v1/track/"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_both_values_show_every_step(api: Any, issued: Any) -> None:
    visa = issued()
    app = visa.application
    response = api(None).post(
        TRACK, {"application": app.number, "passport": app.pilgrim.passport_number.lower()}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["step"] for s in body["steps"]] == [
        "submitted",
        "company_decided",
        "decided",
        "issued",
    ]
    first = body["steps"][0]
    assert first["hijri_en"].endswith("AH") and first["hijri_ar"].endswith("هـ")
    assert (body["status"], body["visa"]["number"]) == ("issued", visa.number)


@pytest.mark.parametrize(
    ("params", "missing"),
    [
        ({}, ["application", "passport"]),
        ({"application": "X"}, ["passport"]),
        ({"passport": "C1"}, ["application"]),
        ({"application": "  ", "passport": "C1"}, ["application"]),
    ],
)
def test_a_missing_value_is_a_validation_error(
    api: Any, issued: Any, params: dict[str, str], missing: list[str]
) -> None:
    visa = issued()
    if params.get("application") == "X":
        params = {**params, "application": visa.application.number}
    if params.get("passport") == "C1":
        params = {**params, "passport": visa.application.pilgrim.passport_number}
    response = api(None).post(TRACK, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "track_values_missing"
    assert sorted(body["fields"]) == missing
    assert visa.number not in response.content.decode()


def test_a_wrong_pair_gets_one_refusal_for_both_values(api: Any, issued: Any) -> None:
    visa = issued()
    response = api(None).post(TRACK, {"application": "WRONG", "passport": "WRONG"})
    assert response.status_code == 404
    assert response.json()["code"] == "application_not_found"
    assert sorted(response.json()["fields"]) == ["application", "passport"]
    assert visa.number not in response.content.decode()


def test_another_pilgrims_passport_does_not_open_the_application(api: Any, issued: Any) -> None:
    mine, theirs = issued(), issued()
    response = api(None).post(
        TRACK,
        {
            "application": mine.application.number,
            "passport": theirs.application.pilgrim.passport_number,
        },
    )
    assert response.status_code == 404


def test_the_pilgrim_downloads_the_visa_with_the_pair(api: Any, issued: Any) -> None:
    visa = issued()
    app = visa.application
    pair = {"application": app.number, "passport": app.pilgrim.passport_number}
    ok = api(None).post(f"{TRACK}document.pdf", pair)
    assert (ok.status_code, ok["Content-Type"]) == (200, "application/pdf")
    wrong = api(None).post(f"{TRACK}document.pdf", {**pair, "passport": "NOPE"})
    assert wrong.status_code == 404


def test_the_tracker_is_rate_limited(api: Any, issued: Any, throttle_window_start: None) -> None:
    issued()
    client = api(None)
    codes = [
        client.post(TRACK, {"application": f"A{i}", "passport": "B"}).status_code for i in range(31)
    ]
    assert codes[:30] == [404] * 30
    assert codes[30] == 429


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_tracker_page(client: Any, issued: Any, language: str) -> None:
    visa = issued()
    app = visa.application
    client.cookies["django_language"] = language
    page = client.post(
        "/track/",
        {"application": app.number, "passport": app.pilgrim.passport_number},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert app.number in html
    assert 'action="/api/v1/track/document.pdf"' in html
    assert app.pilgrim.passport_number not in page.request["QUERY_STRING"]
    assert ("هـ" in html) if language == "ar" else ("AH" in html)
    wrong = client.post("/track/", {"application": app.number, "passport": "WRONG"})
    assert wrong.status_code == 404
    assert 'role="alert"' in wrong.content.decode()
    assert "document.pdf" not in wrong.content.decode()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_tracker_row_shows_its_day_once_in_each_calendar(
    client: Any, issued: Any, language: str
) -> None:
    import re

    from django.utils import timezone

    visa = issued()
    app = visa.application
    client.cookies["django_language"] = language
    html = client.post(
        "/track/", {"application": app.number, "passport": app.pilgrim.passport_number}
    ).content.decode()
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", html)
    assert len(rows) >= 3  # submitted, decided, issued
    day = timezone.localdate(app.issued_at).isoformat()
    issued_row = next(r for r in rows if f"({day})" in r)
    assert issued_row.count(day) == 1
    assert issued_row.count('class="hijri"') == 1
    assert '<bdi dir="ltr" class="gregorian">' in issued_row
    # the application number in the heading is isolated left to right
    assert f'<bdi dir="ltr" class="ltr">{app.number}</bdi>' in html
