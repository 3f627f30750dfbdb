"""Parse and validate ICAO Doc 9303 machine readable zones (MRZ).

Formats (Doc 9303 parts 4-7), detected from the shape of the input:

========  =========  ==========================================
format    lines      document
========  =========  ==========================================
``TD3``   2 x 44     passport booklet (first character ``P``)
``MRV-A`` 2 x 44     full-size visa (first character ``V``)
``TD1``   3 x 30     identity card
``TD2``   2 x 36     identity card or other official document
``MRV-B`` 2 x 36     small visa (first character ``V``)
========  =========  ==========================================

:func:`parse_mrz` never raises for a problem inside a field: it returns an
:class:`MRZ` whose ``errors`` list each problem by field and stable code (see
``ERROR_CODES``). It raises :class:`MRZFormatError` only when the input cannot be
read as any MRZ at all. Whether a document has expired is not the MRZ's business
and is left to callers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from masar.documents import _fields as fields
from masar.documents._fields import KNOWN_AND_SPECIMEN_CODES, KNOWN_CODES
from masar.documents.checkdigit import check_digit, digit_of, values_of
from masar.documents.errors import ERROR_CODES, ERROR_FIELDS, MRZError, MRZFormatError

__all__ = [
    "ERROR_CODES",
    "ERROR_FIELDS",
    "MRZ",
    "MRZError",
    "MRZFormatError",
    "check_digit",
    "parse_mrz",
]

_LINE_RE: Final = re.compile(r"[A-Za-z0-9<]+")
_BAD_CHAR_RE: Final = re.compile(r"[^A-Za-z0-9<]")
_FIRST_LETTERS: Final = {"TD3": "P", "TD2": "ACI", "MRV-A": "V", "MRV-B": "V"}


@dataclass(frozen=True, slots=True)
class MRZ:
    """The fields of a parsed MRZ, and every problem found in them.

    Fields are given as read, without filler characters: ``surname`` and
    ``given_names`` have name parts separated by single spaces, and codes are
    unpadded (``"D"``, not ``"D<<"``). ``sex`` is ``"M"``, ``"F"`` or ``"X"``
    (unspecified), or the character read when it is none of those. A date is
    ``None`` when the MRZ gives it as unknown (fillers) or it is invalid.
    ``optional_data_2`` is the second optional data field, which only a TD1 has.
    """

    valid: bool
    format: str
    document_type: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: date | None
    sex: str
    expiry_date: date | None
    optional_data: str
    errors: tuple[MRZError, ...]
    lines: tuple[str, ...]
    optional_data_2: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the MRZ as a JSON-ready dict (dates as ISO 8601 strings or ``None``)."""
        return {
            "valid": self.valid,
            "format": self.format,
            "document_type": self.document_type,
            "issuing_state": self.issuing_state,
            "surname": self.surname,
            "given_names": self.given_names,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "optional_data": self.optional_data,
            "errors": [
                {"field": err.field, "code": err.code, "message": err.message}
                for err in self.errors
            ],
        }


# --- Formats ----------------------------------------------------------------


def _parse_td1(lines: tuple[str, ...], today: date, known: frozenset[str]) -> MRZ:
    l1, l2, l3 = lines
    v1 = values_of(l1)
    v2 = values_of(l2)
    errors: list[MRZError] = []
    document_type = fields.document_type(l1[0:2], "ACI", errors)
    issuing_state = fields.country(l1[2:5], "issuing_state", known, errors)
    number, optional = fields.long_document_number(l1[5:14], l1[14], l1[15:30], errors)
    birth = fields.mrz_date(l2[0:6], l2[6], digit_of(v2[0:6]), "birth_date", today, errors)
    sex = fields.sex(l2[7], errors)
    expiry = fields.mrz_date(l2[8:14], l2[14], digit_of(v2[8:14]), "expiry_date", today, errors)
    nationality = fields.country(l2[15:18], "nationality", known, errors)
    composite = digit_of(v1[5:30] + v2[0:7] + v2[8:15] + v2[18:29])
    fields.verify_composite(composite, l2[29], errors)
    surname, given_names = fields.holder_name(l3, errors)
    return MRZ(
        not errors,
        "TD1",
        document_type,
        issuing_state,
        surname,
        given_names,
        number,
        nationality,
        birth,
        sex,
        expiry,
        optional,
        tuple(errors),
        lines,
        l2[18:29].rstrip("<"),
    )


def _parse_two_lines(fmt: str, lines: tuple[str, ...], today: date, known: frozenset[str]) -> MRZ:
    """Parse TD3, TD2, MRV-A or MRV-B: these share all but the end of line 2."""
    l1, l2 = lines
    v2 = values_of(l2)
    size = len(l2)
    errors: list[MRZError] = []
    document_type = fields.document_type(l1[0:2], _FIRST_LETTERS[fmt], errors)
    issuing_state = fields.country(l1[2:5], "issuing_state", known, errors)
    surname, given_names = fields.holder_name(l1[5:], errors)
    if fmt == "TD2":
        number, optional = fields.long_document_number(l2[0:9], l2[9], l2[28:35], errors)
    else:
        number = fields.document_number(l2[0:9], l2[9], digit_of(v2[0:9]), errors)
        optional = ""
    nationality = fields.country(l2[10:13], "nationality", known, errors)
    birth = fields.mrz_date(l2[13:19], l2[19], digit_of(v2[13:19]), "birth_date", today, errors)
    sex = fields.sex(l2[20], errors)
    expiry = fields.mrz_date(l2[21:27], l2[27], digit_of(v2[21:27]), "expiry_date", today, errors)
    if fmt == "TD3":
        # Personal number or optional data, with its own check digit.
        fields.verify(l2[28:42], l2[42], digit_of(v2[28:42]), "optional_data", errors)
        optional = l2[28:42].rstrip("<")
    elif fmt != "TD2":
        optional = l2[28:].rstrip("<")  # Visas: no check digits after the expiry date.
    if fmt in ("TD3", "TD2"):
        composite = digit_of(v2[0:10] + v2[13:20] + v2[21 : size - 1])
        fields.verify_composite(composite, l2[size - 1], errors)
    return MRZ(
        not errors,
        fmt,
        document_type,
        issuing_state,
        surname,
        given_names,
        number,
        nationality,
        birth,
        sex,
        expiry,
        optional,
        tuple(errors),
        lines,
    )


def _normalize(lines: str | Sequence[str]) -> tuple[str, ...]:
    """Strip and upper-case each non-blank line, rejecting characters outside the MRZ."""
    items = lines.splitlines() if isinstance(lines, str) else lines
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise MRZFormatError(f"MRZ lines must be strings, not {type(item).__name__}")
        line = item.strip()
        if not line:
            continue
        # Match before upper-casing: str.upper() turns "ß" into "SS" and "ı" into "I".
        if not _LINE_RE.fullmatch(line):
            bad = "".join(dict.fromkeys(_BAD_CHAR_RE.findall(line)))
            raise MRZFormatError(
                f"line {len(out) + 1} has characters outside the MRZ alphabet "
                f"(A-Z, 0-9, <): {bad!r}"
            )
        out.append(line.upper())
    return tuple(out)


def parse_mrz(
    lines: str | Sequence[str], *, today: date | None = None, allow_specimen: bool = False
) -> MRZ:
    """Parse and validate a machine readable zone.

    ``lines`` is a sequence of lines or one string with a line per row. Lower
    case, surrounding whitespace and blank lines are tolerated. ``today`` (UTC
    today by default) settles the century of two-digit years: a birth year
    later than this year's is in the last century, and an expiry year is in
    this century unless that is more than 50 years ahead. ``allow_specimen``
    accepts the fictitious codes of specimens (``UTO``) as known countries.

    The format follows from the shape: 3 x 30 is a TD1; 2 x 44 an MRV-A when
    line 1 starts with ``V``, else a TD3; 2 x 36 an MRV-B when it starts with
    ``V``, else a TD2 (a wrong first letter is then an ``invalid_document_type``).

    Returns an :class:`MRZ`; problems inside fields are in its ``errors``.
    Raises :class:`MRZFormatError` when the lines fit no format or hold
    characters outside ``A``-``Z``, ``0``-``9`` and ``<``.
    """
    rows = _normalize(lines)
    if today is None:
        today = datetime.now(tz=UTC).date()
    known = KNOWN_AND_SPECIMEN_CODES if allow_specimen else KNOWN_CODES
    shape = tuple(map(len, rows))
    if shape == (44, 44):
        return _parse_two_lines("MRV-A" if rows[0][0] == "V" else "TD3", rows, today, known)
    if shape == (36, 36):
        return _parse_two_lines("MRV-B" if rows[0][0] == "V" else "TD2", rows, today, known)
    if shape == (30, 30, 30):
        return _parse_td1(rows, today, known)
    got = ", ".join(map(str, shape)) if shape else "none"
    raise MRZFormatError(
        "an MRZ is 3 lines of 30 characters (TD1), 2 of 44 (TD3, MRV-A) or 2 of 36 "
        f"(TD2, MRV-B); got {len(shape)} line(s) of length {got}"
    )
