"""Readers for the fields of an MRZ, shared by every format.

Each reader takes the raw characters of a field, appends an :class:`MRZError`
to ``errors`` for every problem it finds, and returns the field's value with
fillers removed. None of them raises: one bad field must not hide the others.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

from masar.documents.checkdigit import check_digit
from masar.documents.codes import ICAO_CODES, SPECIMEN_CODES, pad_code
from masar.documents.errors import (
    CHECK_DIGIT,
    COMPOSITE_CHECK_DIGIT,
    INVALID_CHARACTER,
    INVALID_DATE,
    INVALID_DOCUMENT_TYPE,
    INVALID_NAME,
    INVALID_SEX,
    LENGTH,
    MISSING,
    UNKNOWN_COUNTRY,
    MRZError,
)

#: Country fields as written in the MRZ (padded: "D<<"), for one set lookup.
KNOWN_CODES: Final = frozenset(pad_code(code) for code in ICAO_CODES)
KNOWN_AND_SPECIMEN_CODES: Final = KNOWN_CODES | frozenset(map(pad_code, SPECIMEN_CODES))

_SEXES: Final = {"M": "M", "F": "F", "<": "X", "X": "X"}
# Doc 9303 Part 3 section 4.7.1: unknown parts of a birth date are fillers
# (day unknown: YYMM<<; month and day unknown: YY<<<<; all unknown: <<<<<<).
_PARTIAL_BIRTH_RE: Final = re.compile(r"[0-9]{2}(?:<{4}|(?:0[1-9]|1[0-2])<{2})")
# A newborn whose passport is read in a time zone ahead of UTC can be "born
# tomorrow" by the UTC calendar: allow a day before calling a birth date future.
_BIRTH_SLACK: Final = timedelta(days=1)


def _label(field: str) -> str:
    return field.replace("_", " ")


def verify(value: str, digit: str, expected: str, field: str, errors: list[MRZError]) -> None:
    """Append a ``check_digit`` error unless ``digit`` is ``expected`` for ``value``."""
    if digit == expected:
        return
    if digit == "<":
        # A field made only of fillers may leave its check digit as a filler.
        if not value.strip("<"):
            return
        message = f"check digit is missing (a filler); expected {expected}"
    elif digit.isdigit():
        message = f"check digit is {digit}; expected {expected}"
    else:
        message = f"check digit {digit!r} is not a digit; expected {expected}"
    errors.append(MRZError(field, CHECK_DIGIT, message))


def verify_composite(expected: str, digit: str, errors: list[MRZError]) -> None:
    """Append a ``composite_check_digit`` error unless ``digit`` is ``expected``."""
    if digit != expected:
        shown = f"is {digit}" if digit.isdigit() else f"{digit!r} is not a digit"
        errors.append(
            MRZError(
                "composite",
                COMPOSITE_CHECK_DIGIT,
                f"composite check digit {shown}; expected {expected}",
            )
        )


def document_type(code: str, first_letters: str, errors: list[MRZError]) -> str:
    """Read the two-character document code; its first letter depends on the format."""
    second = code[1]
    if code[0] not in first_letters or not (second == "<" or "A" <= second <= "Z"):
        allowed = ", ".join(first_letters)
        errors.append(
            MRZError(
                "document_type",
                INVALID_DOCUMENT_TYPE,
                f"document code {code!r} must be a letter ({allowed}) then a letter or filler",
            )
        )
    return code.rstrip("<")


def country(field: str, name: str, known: frozenset[str], errors: list[MRZError]) -> str:
    """Read an issuing state or nationality code and check it against the ICAO list."""
    code = field.rstrip("<")
    if field in known:
        return code
    label = _label(name)
    if not code:
        errors.append(MRZError(name, MISSING, f"{label} is missing"))
    elif not code.isalpha():
        errors.append(
            MRZError(name, INVALID_CHARACTER, f"{label} {field!r} must be letters then fillers")
        )
    else:
        errors.append(MRZError(name, UNKNOWN_COUNTRY, f"{label} {code!r} is not an ICAO code"))
    return code


def _words(text: str) -> str:
    return " ".join(part for part in text.split("<") if part)


def holder_name(field: str, errors: list[MRZError]) -> tuple[str, str]:
    """Split the name field into (surname, given names), name parts joined by spaces."""
    text = field.rstrip("<")
    if not text:
        errors.append(MRZError("name", MISSING, "name is missing"))
        return "", ""
    primary, _, secondary = text.partition("<<")
    if not text.replace("<", "").isalpha():
        errors.append(MRZError("name", INVALID_CHARACTER, "name may hold only letters and fillers"))
        return _words(primary), _words(secondary)
    # A name may lack a primary identifier ("<<GIVEN", as some states print
    # mononyms), but a single leading filler, a third filler in a row or a second
    # "<<" mean a misread field or stray characters after the name.
    if primary.startswith("<") or secondary.startswith("<") or "<<" in secondary:
        errors.append(
            MRZError(
                "name",
                INVALID_NAME,
                "name must be the primary identifier, '<<', then the secondary "
                "identifiers, name parts separated by single fillers",
            )
        )
        return _words(primary), _words(secondary)
    return primary.replace("<", " "), secondary.replace("<", " ")


def sex(char: str, errors: list[MRZError]) -> str:
    """Read the sex: ``M``, ``F``, or ``X`` for unspecified (written ``<`` or ``X``)."""
    value = _SEXES.get(char)
    if value is None:
        errors.append(MRZError("sex", INVALID_SEX, f"sex {char!r} must be M, F, X or <"))
        return char
    return value


def mrz_date(
    field: str, digit: str, expected: str, name: str, today: date, errors: list[MRZError]
) -> date | None:
    """Read a YYMMDD birth or expiry date (``name``) and verify its check digit.

    The century comes from ``today``: a birth year later than this year's is in
    the last century; an expiry year is in this century unless that is more than
    50 years ahead. Returns ``None`` for an unknown (filler) or invalid date.
    """
    verify(field, digit, expected, name, errors)
    is_birth = name == "birth_date"
    if not field.isdigit():
        if field == "<<<<<<" or (is_birth and _PARTIAL_BIRTH_RE.fullmatch(field)):
            return None
        errors.append(MRZError(name, INVALID_DATE, f"{_label(name)} {field!r} is not YYMMDD"))
        return None
    this_year = today.year
    year = this_year - this_year % 100 + int(field[0:2])
    if is_birth:
        if year > this_year:
            year -= 100
    elif year > this_year + 50:
        year -= 100
    elif year < this_year - 50:  # Only matters from the 2050s on.
        year += 100
    try:
        value = date(year, int(field[2:4]), int(field[4:6]))
    except ValueError:
        errors.append(
            MRZError(name, INVALID_DATE, f"{_label(name)} {field!r} is not a calendar date")
        )
        return None
    if is_birth and value > today + _BIRTH_SLACK:
        errors.append(MRZError(name, INVALID_DATE, f"{_label(name)} {value} is in the future"))
        return None
    return value


def document_number(field: str, digit: str, expected: str, errors: list[MRZError]) -> str:
    """Read a nine-character document number and verify its check digit."""
    number = field.rstrip("<")
    if not number:
        errors.append(MRZError("document_number", MISSING, "document number is missing"))
    else:
        verify(field, digit, expected, "document_number", errors)
    return number


def long_document_number(
    field: str, digit: str, optional: str, errors: list[MRZError]
) -> tuple[str, str]:
    """Read a TD1/TD2 document number that may overflow into the optional data.

    Doc 9303 Parts 5 and 6: a number longer than nine characters puts its first
    nine in the field, a filler where the check digit goes, and the rest, the
    check digit (of the whole number) and a filler at the start of the optional
    data. Returns (document number, the optional data left).
    """
    if digit != "<" or field[-1] == "<" or optional[0] == "<":
        number = document_number(field, digit, check_digit(field), errors)
        return number, optional.rstrip("<")
    end = optional.find("<")
    if end < 0:
        errors.append(
            MRZError(
                "document_number",
                LENGTH,
                "document number runs to the end of the optional data without a filler",
            )
        )
        end = len(optional)
    number = field + optional[: end - 1]
    verify(number, optional[end - 1], check_digit(number), "document_number", errors)
    return number, optional[end + 1 :].rstrip("<")
