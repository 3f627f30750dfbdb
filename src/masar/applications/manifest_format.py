"""The manifest file: its columns (Arabic and English headers), streaming readers for CSV
and XLSX, the downloadable template, and the per-row report writers. No database here.

docs/manifests.md describes the format for agents; keep the two in step.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from python_calamine import CalamineError, load_workbook

from masar.applications.manifest_bounds import XlsxRefused, xlsx_content_check
from masar.core.spreadsheets import formula_neutralized


@dataclass(frozen=True)
class Column:
    key: str
    english: str
    arabic: str
    required: bool = False

    @property
    def header(self) -> str:
        return f"{self.key} / {self.arabic}"


COLUMNS: tuple[Column, ...] = (
    Column("surname", "Surname (as in the passport)", "اسم العائلة (كما في الجواز)"),
    Column("given_names", "Given names", "الأسماء الأولى"),
    Column("native_name", "Name in Arabic or the native script", "الاسم بالعربية أو بلغة البلد"),
    Column("sex", "Sex (M, F or X)", "الجنس"),
    Column("birth_date", "Birth date (YYYY-MM-DD)", "تاريخ الميلاد"),
    Column("nationality", "Nationality (ISO 3166 alpha-3)", "الجنسية"),
    Column("residence_country", "Country of residence", "بلد الإقامة"),
    Column("passport_number", "Passport number", "رقم الجواز"),
    Column("passport_issuing_state", "Issuing state", "جهة إصدار الجواز"),
    Column("passport_issue_date", "Passport issue date", "تاريخ إصدار الجواز", required=True),
    Column("passport_expiry_date", "Passport expiry date", "تاريخ انتهاء الجواز"),
    Column("mrz_line1", "MRZ line 1", "السطر الأول من منطقة القراءة الآلية", required=True),
    Column("mrz_line2", "MRZ line 2", "السطر الثاني من منطقة القراءة الآلية", required=True),
    Column(
        "vaccine_type",
        "Meningococcal ACWY vaccine type (conjugate, polysaccharide, unknown)",
        "نوع لقاح الحمى الشوكية",
    ),
    Column("vaccine_date", "Vaccination date", "تاريخ التطعيم"),
)
_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.english, _column.arabic, _column.header):
        _ALIASES[_name.strip().casefold()] = _column.key

MAX_ROWS = 200_000
MAX_BYTES = 64 * 1024 * 1024


class ManifestUnreadable(ValueError):
    """The file cannot be read as a manifest: the message says why, for the agent."""


def column_of(header: Any) -> str | None:
    """The column a header cell names: its key, English or Arabic label, or both."""
    text = str(header or "").strip().casefold()
    if not text:
        return None
    if text in _ALIASES:
        return _ALIASES[text]
    for part in text.replace("|", "/").split("/"):
        key = _ALIASES.get(part.strip())
        if key:
            return key
    return None


def header_map(cells: Iterable[Any]) -> list[str | None]:
    """The column key of each header cell (None for columns Masar does not read)."""
    keys = [column_of(cell) for cell in cells]
    missing = [c.key for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise ManifestUnreadable(
            "missing column(s): "
            + ", ".join(missing)
            + ". Download the template to see the expected headers."
        )
    seen: set[str] = set()
    for key in keys:
        if key is not None and key in seen:
            raise ManifestUnreadable(f"the column {key} appears twice")
        if key is not None:
            seen.add(key)
    return keys


Row = tuple[int, dict[str, Any]]  # (spreadsheet row number, column key -> value)


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _rows(cells: Iterator[list[Any]], header_row: int) -> Iterator[Row]:
    try:
        try:
            header = next(cells)
        except StopIteration:
            raise ManifestUnreadable("the file is empty") from None
        keys = header_map(header)
        for number, row in enumerate(cells, start=header_row + 1):
            if _is_blank(row):
                yield number, {}
                continue
            yield (
                number,
                {key: value for key, value in zip(keys, row, strict=False) if key is not None},
            )
    finally:
        close = getattr(cells, "close", None)
        if close is not None:
            close()  # release the text wrapper while the file is still open


def _csv_cells(stream: IO[bytes]) -> Iterator[list[Any]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        sample = text.read(4096)
        text.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        yield from csv.reader(text, dialect)
    except UnicodeDecodeError:
        raise ManifestUnreadable("the CSV file is not UTF-8 text; save it as CSV UTF-8") from None
    except csv.Error as exc:
        raise ManifestUnreadable(f"the CSV file cannot be read: {exc}") from None
    finally:
        with contextlib.suppress(ValueError):
            text.detach()  # leave the caller's binary stream open


class ManifestReader:
    """The rows of a manifest, streamed: (row number, values by column key); a blank row
    gives an empty dict. `total` is the number of data rows when the format tells it
    without a pass over the file (XLSX), else None. Raises ManifestUnreadable for a
    file that is not a manifest (when opened, or while reading)."""

    def __init__(self, stream: IO[bytes], fmt: str) -> None:
        self.total: int | None = None
        self.header_row = 1
        if fmt == "xlsx":
            try:
                # Bounded before any spreadsheet library reads it (manifest_bounds).
                xlsx_content_check(stream, max_rows=MAX_ROWS)
            except XlsxRefused as exc:
                raise ManifestUnreadable(str(exc)) from None
            try:
                sheet = load_workbook(stream).get_sheet_by_index(0)
                cells: Iterator[list[Any]] = iter(sheet.iter_rows())
            except (CalamineError, ValueError, OSError) as exc:
                raise ManifestUnreadable(f"the XLSX file cannot be read: {exc}") from None
            start = sheet.start
            self.header_row = (start[0] + 1) if start else 1
            self.total = max(sheet.height - 1, 0)
            self._cells = cells
        else:
            self._cells = _csv_cells(stream)

    def __iter__(self) -> Iterator[Row]:
        return _rows(self._cells, self.header_row)


def count_rows(stream: IO[bytes], fmt: str) -> int:
    """How many data rows the file has (blank ones included), without keeping them."""
    reader = ManifestReader(stream, fmt)
    if reader.total is not None:
        return reader.total
    total = 0
    for _row in reader:
        total += 1
    return total


def format_of(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".xlsx"):
        return "xlsx"
    return None


# --- Template --------------------------------------------------------------------------

EXAMPLE_ROW = {
    "surname": "Rahman",
    "given_names": "Siti Nur",
    "native_name": "سيتي نور رحمن",
    "sex": "F",
    "birth_date": "1985-03-14",
    "nationality": "IDN",
    "residence_country": "IDN",
    "passport_number": "C1234567",
    "passport_issuing_state": "IDN",
    "passport_issue_date": "2022-05-10",
    "passport_expiry_date": "2032-05-09",
    "mrz_line1": "P<IDNRAHMAN<<SITI<NUR<<<<<<<<<<<<<<<<<<<<<<<",
    "mrz_line2": "C1234567<0IDN8503149F3205091<<<<<<<<<<<<<<<4",
    "vaccine_type": "conjugate",
    "vaccine_date": "2026-10-01",
}


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "manifest"
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 48 if column.key.startswith("mrz") else 22
        sheet.cell(row=1, column=index).number_format = "@"
    example = book.create_sheet("example - مثال")
    example.append([c.header for c in COLUMNS])
    example.append([EXAMPLE_ROW[c.key] for c in COLUMNS])
    help_sheet = book.create_sheet("columns - الأعمدة")
    help_sheet.append(["column", "English", "العربية", "required"])
    for column in COLUMNS:
        help_sheet.append(
            [column.key, column.english, column.arabic, "yes" if column.required else ""]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Report ----------------------------------------------------------------------------

REPORT_HEADER = [
    "row / الصف",
    "outcome / النتيجة",
    "application_number / رقم الطلب",
    "passport_number / رقم الجواز",
    "surname / اسم العائلة",
    "reasons / الأسباب",
]
ReportLine = tuple[int, str, str, str, str, str]


def reasons_text(reasons: Iterable[dict[str, str]]) -> str:
    return " | ".join(f"{r['field']}: {r['code']} — {r['message']}" for r in reasons)


def report_csv_chunks(lines: Iterable[ReportLine]) -> Iterator[bytes]:
    """The report as CSV, in chunks of bytes (for a streaming response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(REPORT_HEADER)
    for count, line in enumerate(lines, start=1):
        writer.writerow([formula_neutralized(v) for v in line])
        if count % 2000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def report_xlsx(lines: Iterable[ReportLine], target: IO[bytes]) -> None:
    """The report as XLSX, written row by row (openpyxl's write-only mode)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("report")
    sheet.append(REPORT_HEADER)
    for line in lines:
        sheet.append([formula_neutralized(v) for v in line])
    book.save(target)


def as_text(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return "" if value is None else str(value)
