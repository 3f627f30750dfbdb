"""Dashboard exports speak the language of the page they are downloaded from: Arabic
headers (and labels) in a right-to-left sheet from an Arabic page, English headers in a
left-to-right sheet from an English one; the CSV opens as UTF-8 (byte-order mark)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from masar.reporting.services import indicators_refresh

pytestmark = pytest.mark.django_db

TABLES = ["daily", "port_type", "nationality", "company"]


@pytest.fixture
def refreshed(recorded: Any) -> Any:
    indicators_refresh(season=recorded["season"])
    return recorded


def _get(client: Any, user: Any, url: str, language: str) -> Any:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url, {"season": "umrah-test"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response


def _arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


@pytest.mark.parametrize("table", TABLES)
def test_the_xlsx_of_an_arabic_page_is_arabic_and_right_to_left(
    client: Any, licensing_officer: Any, refreshed: Any, table: str
) -> None:
    arabic = load_workbook(
        io.BytesIO(_get(client, licensing_officer, f"/reporting/export/{table}.xlsx", "ar").content)
    ).active
    english = load_workbook(
        io.BytesIO(_get(client, licensing_officer, f"/reporting/export/{table}.xlsx", "en").content)
    ).active
    assert arabic is not None and english is not None
    assert arabic.sheet_view.rightToLeft is True
    assert not english.sheet_view.rightToLeft
    headers_ar = [c.value for c in arabic[1]]
    headers_en = [c.value for c in english[1]]
    assert len(headers_ar) == len(headers_en)
    assert all(_arabic(str(h)) for h in headers_ar), headers_ar
    assert all(str(h).isascii() for h in headers_en), headers_en
    assert all(cell.font.bold for cell in arabic[1])


@pytest.mark.parametrize("table", TABLES)
def test_the_csv_of_an_arabic_page_has_arabic_headers_and_a_byte_order_mark(
    client: Any, licensing_officer: Any, refreshed: Any, table: str
) -> None:
    body_ar = _get(client, licensing_officer, f"/reporting/export/{table}.csv", "ar").content
    body_en = _get(client, licensing_officer, f"/reporting/export/{table}.csv", "en").content
    assert body_ar.startswith("\ufeff".encode()) and body_en.startswith("\ufeff".encode())
    header_ar = next(csv.reader(io.StringIO(body_ar.decode("utf-8-sig"))))
    header_en = next(csv.reader(io.StringIO(body_en.decode("utf-8-sig"))))
    assert all(_arabic(h) for h in header_ar), header_ar
    assert all(h.isascii() for h in header_en), header_en


def test_port_type_labels_follow_the_language(
    client: Any, licensing_officer: Any, refreshed: Any
) -> None:
    body = _get(client, licensing_officer, "/reporting/export/port_type.csv", "ar").content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "نوع المنفذ" and len(rows[0]) == 3
    assert rows[1][0] == "مطار"
    assert rows[1][1:] == ["2", "1"]
