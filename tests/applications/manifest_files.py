"""Building manifest files (CSV and XLSX) for the tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from masar.applications.manifest_format import COLUMNS
from tests.applications.factories import pilgrim_values


def manifest_row(**overrides: Any) -> dict[str, Any]:
    values = pilgrim_values(**overrides)
    line1, line2 = values.pop("mrz").split("\n")
    values["mrz_line1"], values["mrz_line2"] = line1, line2
    return values


def _cell(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def csv_bytes(rows: Iterable[dict[str, Any]], *, headers: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    keys = [c.key for c in COLUMNS]
    writer.writerow(headers or [c.header for c in COLUMNS])
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in keys])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("manifest")
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append([row.get(c.key) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "manifest.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
