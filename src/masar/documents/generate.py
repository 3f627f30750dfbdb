"""Build valid MRZ lines from document data (ICAO Doc 9303 parts 3-7).

Every generator validates its input and raises :class:`ValueError` for data no
MRZ can hold (an unknown country code, a document number too long, a name with
no Latin transliteration), so what it returns always parses back as valid
(given a ``today`` that puts the dates in the intended century).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from masar.documents.checkdigit import check_digit
from masar.documents.codes import ICAO_CODES, SPECIMEN_CODES, pad_code
from masar.documents.names import format_name

_ALNUM_RE: Final = re.compile(r"[A-Z0-9]+")
_OPTIONAL_RE: Final = re.compile(r"[A-Z0-9<]*")
_SEX_CODES: Final = {"M": "M", "F": "F", "X": "<", "<": "<", "": "<"}


def _document_code(value: str, first_letters: str) -> str:
    code = value.strip().upper()
    if not (
        1 <= len(code) <= 2
        and code[0] in first_letters
        and (len(code) == 1 or code[1] == "<" or "A" <= code[1] <= "Z")
    ):
        allowed = ", ".join(first_letters)
        raise ValueError(f"document type {value!r} must be {allowed} and an optional letter")
    return code.ljust(2, "<")


def _country(value: str, what: str) -> str:
    code = value.strip().upper().rstrip("<")
    if code not in ICAO_CODES and code not in SPECIMEN_CODES:
        raise ValueError(f"{what} {value!r} is not an ICAO code")
    return pad_code(code)


def _number(value: str, max_length: int) -> str:
    number = value.strip().upper()
    if not _ALNUM_RE.fullmatch(number):
        raise ValueError(f"document number {value!r} must be letters and digits")
    if len(number) > max_length:
        raise ValueError(f"document number {value!r} is longer than {max_length} characters")
    return number


def _optional(value: str, size: int, what: str = "optional data") -> str:
    text = value.strip().upper().replace(" ", "<")
    if not _OPTIONAL_RE.fullmatch(text):
        raise ValueError(f"{what} {value!r} may hold only letters, digits and <")
    if len(text) > size:
        raise ValueError(f"{what} {value!r} is longer than {size} characters")
    return text.ljust(size, "<")


def _date(value: date | None) -> str:
    if value is None:
        return "<<<<<<"  # Unknown (birth date); its check digit is then 0.
    return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"


def _sex(value: str) -> str:
    try:
        return _SEX_CODES[value.strip().upper()]
    except KeyError:
        raise ValueError(f"sex {value!r} must be M, F or X") from None


def _holder(nationality: str, birth_date: date | None, sex: str, expiry_date: date | None) -> str:
    """Line 2 positions 11-28, shared by TD3, TD2 and both visas."""
    birth = _date(birth_date)
    expiry = _date(expiry_date)
    return (
        _country(nationality, "nationality")
        + birth
        + check_digit(birth)
        + _sex(sex)
        + expiry
        + check_digit(expiry)
    )


def _number_and_optional(number: str, optional: str, size: int) -> tuple[str, str]:
    """Document number field with check digit, and the optional data field (TD1, TD2).

    A number longer than nine characters overflows into the optional data with
    its check digit and a filler, leaving a filler in the check digit position.
    """
    if len(number) <= 9:
        field = number.ljust(9, "<")
        return field + check_digit(field), optional.ljust(size, "<")
    overflow = f"{number[9:]}{check_digit(number)}<{optional}"
    if len(overflow) > size:
        raise ValueError(
            f"document number {number!r} and optional data {optional!r} do not fit together"
        )
    return number[:9] + "<", overflow.ljust(size, "<")


def generate_td3(
    *,
    document_type: str = "P",
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date | None,
    optional_data: str = "",
) -> tuple[str, str]:
    """Return the two 44-character lines of a passport (TD3) MRZ.

    ``optional_data`` (personal number) holds up to 14 characters; its check
    digit is a filler when it is empty. ``sex`` is M, F or X (written ``<``).
    """
    line1 = (
        _document_code(document_type, "P")
        + _country(issuing_state, "issuing state")
        + format_name(surname, given_names, 39)
    )
    number = _number(document_number, 9).ljust(9, "<")
    optional = _optional(optional_data, 14)
    optional_check = "<" if optional == "<" * 14 else check_digit(optional)
    line2 = (
        number
        + check_digit(number)
        + _holder(nationality, birth_date, sex, expiry_date)
        + optional
        + optional_check
    )
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return line1, line2


def generate_td1(
    *,
    document_type: str = "I",
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date | None,
    optional_data: str = "",
    optional_data_2: str = "",
) -> tuple[str, str, str]:
    """Return the three 30-character lines of an identity card (TD1) MRZ.

    ``document_type`` starts with A, C or I. A document number of up to 22
    characters is accepted: past nine it overflows into ``optional_data`` (line
    1, 15 characters in all). ``optional_data_2`` is line 2's 11 characters.
    """
    number, optional = _number_and_optional(
        _number(document_number, 22), _optional(optional_data, 15).rstrip("<"), 15
    )
    line1 = (
        _document_code(document_type, "ACI")
        + _country(issuing_state, "issuing state")
        + number
        + optional
    )
    birth = _date(birth_date)
    expiry = _date(expiry_date)
    line2 = (
        birth
        + check_digit(birth)
        + _sex(sex)
        + expiry
        + check_digit(expiry)
        + _country(nationality, "nationality")
        + _optional(optional_data_2, 11, "optional data 2")
    )
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return line1, line2, format_name(surname, given_names, 30)


def generate_td2(
    *,
    document_type: str = "I",
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date | None,
    optional_data: str = "",
) -> tuple[str, str]:
    """Return the two 36-character lines of a TD2 MRZ.

    ``document_type`` starts with A, C or I. ``optional_data`` holds up to 7
    characters; a document number longer than nine (up to 14) overflows into it.
    """
    number, optional = _number_and_optional(
        _number(document_number, 14), _optional(optional_data, 7).rstrip("<"), 7
    )
    line1 = (
        _document_code(document_type, "ACI")
        + _country(issuing_state, "issuing state")
        + format_name(surname, given_names, 31)
    )
    line2 = number + _holder(nationality, birth_date, sex, expiry_date) + optional
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:35])
    return line1, line2


def _visa(
    length: int,
    document_type: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date | None,
    optional_data: str,
) -> tuple[str, str]:
    line1 = (
        _document_code(document_type, "V")
        + _country(issuing_state, "issuing state")
        + format_name(surname, given_names, length - 5)
    )
    number = _number(document_number, 9).ljust(9, "<")
    line2 = (
        number
        + check_digit(number)
        + _holder(nationality, birth_date, sex, expiry_date)
        + _optional(optional_data, length - 28)
    )
    return line1, line2


def generate_mrva(
    *,
    document_type: str = "V",
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date | None,
    optional_data: str = "",
) -> tuple[str, str]:
    """Return the two 44-character lines of a full-size visa (MRV-A) MRZ.

    Visas have no composite check digit; ``optional_data`` fills positions
    29-44 of line 2 (16 characters). ``expiry_date`` is the "valid until" date.
    """
    return _visa(
        44,
        document_type,
        issuing_state,
        surname,
        given_names,
        document_number,
        nationality,
        birth_date,
        sex,
        expiry_date,
        optional_data,
    )


def generate_mrvb(
    *,
    document_type: str = "V",
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date | None,
    optional_data: str = "",
) -> tuple[str, str]:
    """Return the two 36-character lines of a small visa (MRV-B) MRZ.

    Visas have no composite check digit; ``optional_data`` fills positions
    29-36 of line 2 (8 characters). ``expiry_date`` is the "valid until" date.
    """
    return _visa(
        36,
        document_type,
        issuing_state,
        surname,
        given_names,
        document_number,
        nationality,
        birth_date,
        sex,
        expiry_date,
        optional_data,
    )
