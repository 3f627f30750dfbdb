"""CSV layouts of the screening app (no database here).

* **Masar watchlist CSV** (documented in docs/screening.md): one person per row, columns
  `id,name,aliases,birth_date,nationality,document_numbers,reason,source,valid_from,
  valid_until`; only `id` and `name` are required. Several values in one cell are
  separated by `;` (a value holding a `;` is quoted, as in the FollowTheMoney layout).
* **FollowTheMoney "simple CSV"** (`targets.simple.csv` of public sanctions data): the
  columns `id,schema,name,aliases,birth_date,countries,identifiers,sanctions,dataset` are
  read, the others ignored; rows whose `schema` is not `Person` are skipped (counted).
  Values the source gets wrong (an impossible birth date, an unknown country code) are
  dropped with a warning, as public data needs.
* **`masar screening check`**: people in `id,name,birth_date,nationality`, hits out in
  `id,entry_id,list,score,matched_alias`.

A file is a whole snapshot of a list. An error (a row without id or name, an id twice, a
bad value in the Masar layout) fails the whole import, so that a row that could not be read
never silently removes its entry from the list.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masar.core.text import text_clean
from masar.screening.countries import normalize_country
from masar.screening.scoring import encode_partial_date

MASAR_COLUMNS = (
    "id",
    "name",
    "aliases",
    "birth_date",
    "nationality",
    "document_numbers",
    "reason",
    "source",
    "valid_from",
    "valid_until",
)
MASAR_REQUIRED = ("id", "name")
FTM_COLUMNS = (
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "identifiers",
    "sanctions",
    "dataset",
)
FTM_REQUIRED = ("id", "schema", "name")
FTM_PERSON_SCHEMAS = frozenset({"Person"})
CHECK_INPUT_COLUMNS = ("id", "name", "birth_date", "nationality")
CHECK_OUTPUT_COLUMNS = ("id", "entry_id", "list", "score", "matched_alias")

MAX_BYTES = 512 * 1024 * 1024
MAX_PROBLEMS_KEPT = 200
MAX_NAME_LENGTH = 300
MAX_ID_LENGTH = 200
_COUNTRY = re.compile(r"[A-Z]{3}")

# Sanctions texts of public lists can be long; the csv module's default limit is 128 KiB.
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))

Severity = Literal["error", "warning"]

# Translated when formatted, in the language active then (the uploader's, for an import).
_BAD_DATE = gettext_lazy("'%(value)s' is not a birth date (YYYY, YYYY-MM or YYYY-MM-DD).")
_BAD_COUNTRY = gettext_lazy("'%(value)s' is not an ISO 3166 country code (alpha-2 or alpha-3).")
Format = Literal["masar", "ftm"]


class WatchlistFileError(ValueError):
    """The file cannot be read as a watchlist at all (not CSV, not UTF-8, columns missing)."""


@dataclass(frozen=True)
class Problem:
    row: int  # the line of the file (the header is line 1); 0 for the file itself
    field: str
    message: str
    severity: Severity = "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass
class EntryData:
    """One person of a list file, normalized."""

    external_id: str
    names: list[str]
    birth_dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    document_numbers: list[str] = field(default_factory=list)
    reason: str = ""
    source: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def snapshot(self) -> dict[str, Any]:
        """The entry's content as stored in the change history (JSON-serializable)."""
        return entry_snapshot(
            names=self.names,
            birth_dates=self.birth_dates,
            nationalities=self.nationalities,
            document_numbers=self.document_numbers,
            reason=self.reason,
            source=self.source,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
        )

    def content_hash(self) -> str:
        return snapshot_hash(self.snapshot())


def entry_snapshot(
    *,
    names: Iterable[str],
    birth_dates: Iterable[str],
    nationalities: Iterable[str],
    document_numbers: Iterable[str],
    reason: str,
    source: str,
    valid_from: dt.date | str | None,
    valid_until: dt.date | str | None,
) -> dict[str, Any]:
    def day(value: dt.date | str | None) -> str | None:
        return value.isoformat() if isinstance(value, dt.date) else (value or None)

    return {
        "names": list(names),
        "birth_dates": list(birth_dates),
        "nationalities": list(nationalities),
        "document_numbers": list(document_numbers),
        "reason": reason,
        "source": source,
        "valid_from": day(valid_from),
        "valid_until": day(valid_until),
    }


def snapshot_hash(snapshot: dict[str, Any]) -> str:
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class ParsedList:
    entries: list[EntryData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    rows: int = 0
    skipped: int = 0

    def add(self, problem: Problem) -> None:
        if problem.severity == "error":
            self.error_count += 1
        else:
            self.warning_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def split_multi(value: str | None) -> list[str]:
    """The values of a `;`-separated cell (quoted values may hold `;`), stripped, unique."""
    if not value or not value.strip():
        return []
    parts = next(csv.reader([value], delimiter=";", quotechar='"'), [])
    seen: dict[str, None] = {}
    for part in parts:
        text = " ".join(part.split())
        if text:
            seen.setdefault(text, None)
    return list(seen)


def _rows(stream: IO[str]) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The lower-cased header and an iterator of (file line, row) of a CSV text stream."""
    try:
        reader = csv.reader(stream)
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error):
        raise WatchlistFileError(_("The file is not UTF-8 CSV text.")) from None
    if not header:
        raise WatchlistFileError(_("The file is empty."))
    columns = [cell.strip().lstrip("\ufeff").casefold() for cell in header]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue
                row = {
                    name: cells[i] if i < len(cells) else ""
                    for i, name in enumerate(columns)
                    if name
                }
                yield reader.line_num, row
        except (UnicodeDecodeError, csv.Error):
            raise WatchlistFileError(
                _("The file cannot be read past line %(line)d.") % {"line": reader.line_num}
            ) from None

    return columns, rows()


def check_header(columns: Iterable[str], fmt: Format) -> None:
    required = MASAR_REQUIRED if fmt == "masar" else FTM_REQUIRED
    missing = [name for name in required if name not in set(columns)]
    if missing:
        layout = "Masar" if fmt == "masar" else "FollowTheMoney simple CSV"
        raise WatchlistFileError(
            _("The %(layout)s layout needs the column(s) %(missing)s; the file has: %(found)s.")
            % {
                "layout": layout,
                "missing": ", ".join(missing),
                "found": ", ".join(c for c in columns if c) or "-",
            }
        )


def read_header(stream: IO[str], fmt: Format) -> list[str]:
    """Check a file's header only (at upload time); raises WatchlistFileError."""
    columns, _ = _rows(stream)
    check_header(columns, fmt)
    return columns


def _date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    return dt.date.fromisoformat(value)


def _birth_dates(values: list[str], line: int, out: ParsedList, severity: Severity) -> list[str]:
    kept = []
    for value in values:
        try:
            encode_partial_date(value)
        except ValueError:
            out.add(
                Problem(
                    line,
                    "birth_date",
                    _BAD_DATE % {"value": value},
                    severity,
                )
            )
            continue
        kept.append(value)
    return kept


def _countries(
    values: list[str], line: int, column: str, out: ParsedList, severity: Severity
) -> list[str]:
    kept: dict[str, None] = {}
    for value in values:
        code = normalize_country(value)
        if code is None or not _COUNTRY.fullmatch(code):
            out.add(
                Problem(
                    line,
                    column,
                    _BAD_COUNTRY % {"value": value},
                    severity,
                )
            )
            continue
        kept.setdefault(code, None)
    return list(kept)


def _identity(
    row: dict[str, str], line: int, out: ParsedList, seen: set[str]
) -> tuple[str, list[str]] | None:
    external_id = row.get("id", "").strip()
    name = text_clean(row.get("name", ""))
    ok = True
    if not external_id:
        out.add(Problem(line, "id", _("The id is missing.")))
        ok = False
    elif len(external_id) > MAX_ID_LENGTH:
        message = _("The id is longer than %(n)d characters.") % {"n": MAX_ID_LENGTH}
        out.add(Problem(line, "id", message))
        ok = False
    elif external_id in seen:
        message = _("The id '%(id)s' appears twice in the file.") % {"id": external_id}
        out.add(Problem(line, "id", message))
        ok = False
    if not name:
        out.add(Problem(line, "name", _("The name is missing.")))
        ok = False
    if not ok:
        return None
    seen.add(external_id)
    aliases = [text_clean(alias) for alias in split_multi(row.get("aliases"))]
    names = list(dict.fromkeys([name, *(alias for alias in aliases if alias)]))
    long = [n for n in names if len(n) > MAX_NAME_LENGTH]
    if long:
        message = _("A name is longer than %(n)d characters.") % {"n": MAX_NAME_LENGTH}
        out.add(Problem(line, "aliases", message))
        return None
    return external_id, names


def _read_masar(rows: Iterator[tuple[int, dict[str, str]]], out: ParsedList) -> None:
    seen: set[str] = set()
    for line, row in rows:
        out.rows += 1
        errors_before = out.error_count
        identity = _identity(row, line, out, seen)
        birth_dates = _birth_dates(split_multi(row.get("birth_date")), line, out, "error")
        nationalities = _countries(
            split_multi(row.get("nationality")), line, "nationality", out, "error"
        )
        valid: dict[str, dt.date | None] = {}
        for column in ("valid_from", "valid_until"):
            try:
                valid[column] = _date(row.get(column, ""))
            except ValueError:
                out.add(Problem(line, column, _("The date must be written YYYY-MM-DD.")))
                valid[column] = None
        if (
            valid["valid_from"]
            and valid["valid_until"]
            and valid["valid_from"] > valid["valid_until"]
        ):
            message = _("The entry's validity ends before it starts.")
            out.add(Problem(line, "valid_until", message))
        if identity is None or out.error_count > errors_before:
            continue
        external_id, names = identity
        out.entries.append(
            EntryData(
                external_id=external_id,
                names=names,
                birth_dates=birth_dates,
                nationalities=nationalities,
                document_numbers=split_multi(row.get("document_numbers")),
                reason=row.get("reason", "").strip(),
                source=row.get("source", "").strip()[:300],
                valid_from=valid["valid_from"],
                valid_until=valid["valid_until"],
            )
        )


def _read_ftm(rows: Iterator[tuple[int, dict[str, str]]], out: ParsedList) -> None:
    seen: set[str] = set()
    for line, row in rows:
        out.rows += 1
        if row.get("schema", "").strip() not in FTM_PERSON_SCHEMAS:
            out.skipped += 1
            continue
        identity = _identity(row, line, out, seen)
        if identity is None:
            continue
        external_id, names = identity
        out.entries.append(
            EntryData(
                external_id=external_id,
                names=names,
                birth_dates=_birth_dates(split_multi(row.get("birth_date")), line, out, "warning"),
                nationalities=_countries(
                    split_multi(row.get("countries")), line, "countries", out, "warning"
                ),
                document_numbers=split_multi(row.get("identifiers")),
                reason=" | ".join(split_multi(row.get("sanctions"))),
                source="; ".join(split_multi(row.get("dataset")))[:300],
            )
        )


def read_watchlist(stream: IO[str], fmt: Format) -> ParsedList:
    """Read a whole list file; raises WatchlistFileError when it cannot be read at all."""
    columns, rows = _rows(stream)
    check_header(columns, fmt)
    out = ParsedList()
    if fmt == "masar":
        _read_masar(rows, out)
    else:
        _read_ftm(rows, out)
    return out


def text_stream(binary: IO[bytes]) -> io.TextIOWrapper:
    """A text view of an uploaded or opened file (UTF-8, with or without a BOM); `detach()`
    it afterwards to leave the file open."""
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]


# --- `masar screening check` ------------------------------------------------------------


@dataclass(frozen=True)
class PersonQuery:
    row_id: str
    name: str
    birth_date: str | None
    nationality: str | None


def read_people(stream: IO[str]) -> Iterator[tuple[int, PersonQuery | None, list[Problem]]]:
    """(file line, person or None, problems) for each row of a `check` input file."""
    columns, rows = _rows(stream)
    missing = [c for c in ("id", "name") if c not in columns]
    if missing:
        raise WatchlistFileError(
            _("The input needs the column(s) %(missing)s.") % {"missing": ", ".join(missing)}
        )
    for line, row in rows:
        problems: list[Problem] = []
        row_id = row.get("id", "").strip()
        name = text_clean(row.get("name", ""))
        if not row_id:
            problems.append(Problem(line, "id", _("The id is missing.")))
        if not name:
            problems.append(Problem(line, "name", _("The name is missing.")))
        birth_date = row.get("birth_date", "").strip() or None
        if birth_date:
            try:
                encode_partial_date(birth_date)
            except ValueError:
                problems.append(Problem(line, "birth_date", _BAD_DATE % {"value": birth_date}))
        nationality = normalize_country(row.get("nationality"))
        if nationality is not None and not _COUNTRY.fullmatch(nationality):
            problems.append(Problem(line, "nationality", _BAD_COUNTRY % {"value": nationality}))
        if problems:
            yield line, None, problems
        else:
            yield line, PersonQuery(row_id, name, birth_date, nationality), []


def hits_writer(stream: IO[str]) -> Any:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CHECK_OUTPUT_COLUMNS)
    return writer


def masar_template() -> str:
    """The Masar watchlist layout with one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MASAR_COLUMNS)
    writer.writerow(
        [
            "MOI-000123",
            "Abd al-Rahman Hussein Al-Dosari",
            "عبد الرحمن حسين الدوسري;Abdulrahman Husain Dosari",
            "1975;1976",
            "IRQ",
            "IRQ:A1234567",
            "Wanted: forged travel documents",
            "Interior ministry",
            "2024-01-01",
            "",
        ]
    )
    return out.getvalue()
