"""Every dashboard table as CSV or XLSX (openpyxl), and open data as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from masar.core.spreadsheets import formula_neutralized
from masar.reporting.selectors import Table


def _header(table: Table) -> list[Any]:
    labels = []
    for column in table.columns:
        label = str(column.label)
        if column.kind == "seconds":
            label = f"{label} (s)"
        elif column.kind == "percent":
            label = f"{label} (%)"
        labels.append(formula_neutralized(label))
    return labels


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "seconds":
        return round(float(value), 1)
    return formula_neutralized(value)


def _rows(table: Table) -> list[list[Any]]:
    return [[_cell(row.get(c.key), c.kind) for c in table.columns] for row in table.rows]


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header(table))
    writer.writerows(_rows(table))
    # A byte-order mark: spreadsheet programs then read Arabic names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: Table, *, right_to_left: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.id[:31]
    sheet.sheet_view.rightToLeft = right_to_left
    sheet.append(_header(table))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(table):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows_csv(fields: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else formula_neutralized(v)) for k, v in row.items()})
    return out.getvalue().encode("utf-8")
