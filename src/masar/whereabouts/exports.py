"""The whereabouts lists as CSV (streamed in chunks) or XLSX (openpyxl, write-only), one
query each read with `.iterator()`: no list is held in memory whole."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from masar.border.lists import csv_chunks
from masar.core.spreadsheets import formula_neutralized

CHUNK_ROWS = 2000
FORMATS = ("csv", "xlsx")

ALERT_HEADER = (
    "alert_id",
    "application_number",
    "surname",
    "given_names",
    "nationality",
    "passport_number",
    "company",
    "agent",
    "kind",
    "city",
    "hotel",
    "detected_at",
    "deadline",
    "status",
    "answer",
    "answer_reason",
    "answered_at",
    "answered_late",
)
_ALERT_COLUMNS = (
    "pk",
    "application__number",
    "pilgrim__surname",
    "pilgrim__given_names",
    "nationality",
    "pilgrim__passport_number",
    "company__organization__code",
    "agent__organization__code",
    "kind",
    "city",
    "hotel__organization__code",
    "detected_at",
    "deadline",
    "status",
    "answer",
    "answer_reason",
    "answered_at",
    "answered_late",
)


def cell(value: Any) -> Any:
    """Dates ISO, times kingdom-local ISO to the second, empty for None, and text a
    spreadsheet would run as a formula neutralized."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return formula_neutralized(value)


def alert_rows(qs: QuerySet[Any]) -> Iterator[Sequence[Any]]:
    for row in qs.select_related(None).values_list(*_ALERT_COLUMNS).iterator(chunk_size=CHUNK_ROWS):
        yield [cell(v) for v in row]


def _xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, rtl: bool) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.sheet_view.rightToLeft = rtl
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_response(
    fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, rtl: bool
) -> HttpResponse | StreamingHttpResponse:
    stamp = timezone.localdate().isoformat()
    response: HttpResponse | StreamingHttpResponse
    if fmt == "xlsx":
        response = HttpResponse(
            _xlsx(header, rows, rtl=rtl),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(
            csv_chunks(header, rows), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
