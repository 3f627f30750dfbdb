"""Public endpoints on a first run: the throttled ones work on the default database cache
that `masar migrate` alone sets up, and a PDF on a server without its system libraries is a
503 that names them in the log, not a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "masar_cache",
    }
}


@pytest.mark.django_db(transaction=True)
@override_settings(CACHES=DATABASE_CACHE)
def test_every_throttled_endpoint_works_on_the_database_cache_after_migrate(
    api: Any, issued: Any
) -> None:
    """The test database is built by the migrations alone; with the default (database)
    cache every throttled endpoint answers, none fails on a missing cache table."""
    caches["default"].clear()
    visa = issued()
    app = visa.application
    client = api(None)
    pair = {"application": app.number, "passport": app.pilgrim.passport_number}
    answers = {
        "track": client.get("/api/v1/track/", pair).status_code,
        "track pdf": client.get("/api/v1/track/document.pdf", pair).status_code,
        "keys": client.get("/api/v1/keys/").status_code,
        "revocations": client.get("/api/v1/revocations/").status_code,
        "open data": client.get("/api/v1/open-data/").status_code,
        "certificate": client.get("/api/v1/training/certificates/ZZZZ-ZZZZ-ZZZZ/").status_code,
    }
    assert answers == {
        "track": 200,
        "track pdf": 200,
        "keys": 200,
        "revocations": 200,
        "open data": 200,
        "certificate": 404,
    }
    caches["default"].clear()


@pytest.mark.django_db
def test_a_pdf_without_its_libraries_is_a_503_that_says_so(
    api: Any, issued: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from masar.web import pdf

    line = "Masar is missing system libraries: libharfbuzz-subset.so.0 (PDF documents)."
    monkeypatch.setattr(pdf, "pdf_libraries_missing", lambda: line)
    visa = issued()
    app = visa.application
    response = api(None).get(
        "/api/v1/track/document.pdf",
        {"application": app.number, "passport": app.pilgrim.passport_number},
    )
    assert response.status_code == 503
    assert response.json()["code"] == "pdf_unavailable"
    assert line in caplog.text
