"""Cleaning a pilgrim's data as typed (a form, the API, a manifest row) into typed values.

One function serves every channel, so a manifest row and a form are refused for the same
reasons with the same codes. Fields left empty are taken from the MRZ when it can be
read: an agent may paste the MRZ and type only what it does not hold (the native name,
the issue date, the vaccination). Pure Python: no database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from masar.applications.eligibility.base import Failure
from masar.core.text import text_clean
from masar.documents import MRZ, MRZFormatError, parse_mrz
from masar.documents.codes import ICAO_CODES

SEXES = frozenset({"M", "F", "X"})
VACCINE_TYPES = frozenset({"conjugate", "polysaccharide", "unknown"})
_NUMBER_RE = re.compile(r"[A-Z0-9]{1,9}")
_SPACES_RE = re.compile(r"\s+")
TEXT_LIMITS = {"surname": 80, "given_names": 120, "native_name": 200}

FIELDS = (
    "surname",
    "given_names",
    "native_name",
    "sex",
    "birth_date",
    "nationality",
    "residence_country",
    "passport_number",
    "passport_issuing_state",
    "passport_issue_date",
    "passport_expiry_date",
    "mrz",
    "vaccine_type",
    "vaccine_date",
)


@dataclass
class PilgrimInput:
    """Clean pilgrim data; satisfies `eligibility.PilgrimData`."""

    surname: str
    given_names: str
    native_name: str
    sex: str
    birth_date: dt.date
    nationality: str
    residence_country: str
    passport_number: str
    passport_issuing_state: str
    passport_issue_date: dt.date
    passport_expiry_date: dt.date
    mrz: str
    vaccine_type: str
    vaccine_date: dt.date | None
    parsed_mrz: MRZ | None = None

    def model_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet turns 12345678 into 12345678.0
    # Invisible and bidi control characters never reach a stored name (masar.core.text).
    return _SPACES_RE.sub(" ", text_clean(str(value))).strip()


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime (spreadsheets) or YYYY-MM-DD text; None when empty.
    Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]  # "2026-01-02 00:00:00" from a spreadsheet's text export
    return dt.date.fromisoformat(text)


def mrz_text(value: Any = None, *, line1: Any = None, line2: Any = None) -> str:
    """The MRZ as two upper-case lines joined by a newline, from one text or two lines."""
    if line1 is not None or line2 is not None:
        lines = [_text(line1), _text(line2)]
    else:
        lines = [line.strip() for line in str(value or "").replace("\r", "\n").split("\n")]
    return "\n".join(line.replace(" ", "").upper() for line in lines if line.strip())


def pilgrim_input_clean(
    raw: Mapping[str, Any], *, today: dt.date, default_residence: str = ""
) -> tuple[PilgrimInput | None, list[Failure]]:
    """Clean `raw` (field name -> value); return the input, or None and every problem."""
    failures: list[Failure] = []

    def fail(field: str, code: str, message: str) -> None:
        failures.append(Failure(field, code, message))

    mrz = mrz_text(raw.get("mrz"), line1=raw.get("mrz_line1"), line2=raw.get("mrz_line2"))
    parsed: MRZ | None = None
    if not mrz:
        fail("mrz", "required", gettext("The passport's MRZ (two lines) is required."))
    else:
        try:
            parsed = parse_mrz(mrz, today=today)
        except MRZFormatError:
            parsed = None  # the rule passport_mrz_valid explains it
    from_mrz: dict[str, Any] = {}
    if parsed is not None and parsed.format == "TD3":
        from_mrz = {
            "surname": parsed.surname,
            "given_names": parsed.given_names,
            "sex": parsed.sex,
            "birth_date": parsed.birth_date,
            "nationality": parsed.nationality,
            "passport_number": parsed.document_number,
            "passport_issuing_state": parsed.issuing_state,
            "passport_expiry_date": parsed.expiry_date,
        }

    def text(field: str, *, required: bool = False) -> str:
        value = _text(raw.get(field)) or _text(from_mrz.get(field))
        if required and not value:
            fail(field, "required", gettext("This field is required."))
        limit = TEXT_LIMITS.get(field)
        if limit and len(value) > limit:
            fail(field, "too_long", gettext("At most %d characters.") % limit)
        return value

    def date(field: str, *, required: bool = True) -> dt.date | None:
        value = raw.get(field)
        try:
            day = parse_date(value)
        except (ValueError, TypeError):
            fail(field, "invalid_date", gettext("Write the date as YYYY-MM-DD."))
            return None
        if day is None:
            mrz_day = from_mrz.get(field)
            day = mrz_day if isinstance(mrz_day, dt.date) else None
        if day is None and required:
            fail(field, "required", gettext("This field is required."))
        return day

    def country(field: str, default: str = "") -> str:
        value = (text(field) or default).upper()
        if not value:
            fail(field, "required", gettext("This field is required."))
        elif value not in ICAO_CODES:
            fail(field, "invalid_country", gettext("%s is not an ICAO country code.") % value)
        return value

    surname = text("surname")
    given_names = text("given_names")
    if not surname and not given_names:
        fail("surname", "required", gettext("The name as in the passport is required."))
    native_name = text("native_name")
    sex = text("sex", required=True).upper()
    if sex and sex not in SEXES:
        fail("sex", "invalid_choice", gettext("Write M, F or X."))
    birth_date = date("birth_date")
    nationality = country("nationality")
    residence = country("residence_country", default_residence)
    number = text("passport_number", required=True).upper().replace(" ", "")
    if number and not _NUMBER_RE.fullmatch(number):
        fail(
            "passport_number",
            "invalid_passport_number",
            gettext("A passport number is 1 to 9 letters and digits."),
        )
    issuing_state = country("passport_issuing_state")
    issue_date = date("passport_issue_date")
    expiry_date = date("passport_expiry_date")
    vaccine_type = text("vaccine_type").lower()
    if vaccine_type and vaccine_type not in VACCINE_TYPES:
        fail(
            "vaccine_type",
            "invalid_choice",
            gettext("Write conjugate, polysaccharide or unknown."),
        )
    vaccine_date = date("vaccine_date", required=False)
    if vaccine_date is not None and not vaccine_type:
        vaccine_type = "unknown"
    if birth_date and birth_date > today:
        fail("birth_date", "date_in_future", gettext("The birth date is in the future."))
    if issue_date and issue_date > today:
        fail("passport_issue_date", "date_in_future", gettext("The issue date is in the future."))
    if issue_date and expiry_date and expiry_date <= issue_date:
        fail(
            "passport_expiry_date",
            "date_order",
            gettext("The passport expires before it was issued."),
        )
    if birth_date and issue_date and issue_date < birth_date:
        fail(
            "passport_issue_date",
            "date_order",
            gettext("The passport was issued before the birth date."),
        )
    if failures:
        return None, failures
    assert birth_date and issue_date and expiry_date  # required, checked above
    return (
        PilgrimInput(
            surname=surname,
            given_names=given_names,
            native_name=native_name,
            sex=sex,
            birth_date=birth_date,
            nationality=nationality,
            residence_country=residence,
            passport_number=number,
            passport_issuing_state=issuing_state,
            passport_issue_date=issue_date,
            passport_expiry_date=expiry_date,
            mrz=mrz,
            vaccine_type=vaccine_type,
            vaccine_date=vaccine_date,
            parsed_mrz=parsed,
        ),
        [],
    )
