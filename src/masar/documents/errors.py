"""What can be wrong with an MRZ: stable error codes and field names, and the exceptions.

Codes and field names are part of the API: callers and stored screening results
key on them, so a released one never changes meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

CHECK_DIGIT: Final = "check_digit"
COMPOSITE_CHECK_DIGIT: Final = "composite_check_digit"
INVALID_DATE: Final = "invalid_date"
UNKNOWN_COUNTRY: Final = "unknown_country"
INVALID_CHARACTER: Final = "invalid_character"
INVALID_SEX: Final = "invalid_sex"
INVALID_NAME: Final = "invalid_name"
INVALID_DOCUMENT_TYPE: Final = "invalid_document_type"
MISSING: Final = "missing"
LENGTH: Final = "length"

#: Every code an :class:`MRZError` can carry.
ERROR_CODES: Final = frozenset(
    {
        CHECK_DIGIT,
        COMPOSITE_CHECK_DIGIT,
        INVALID_DATE,
        UNKNOWN_COUNTRY,
        INVALID_CHARACTER,
        INVALID_SEX,
        INVALID_NAME,
        INVALID_DOCUMENT_TYPE,
        MISSING,
        LENGTH,
    }
)

#: Every field an :class:`MRZError` can name. ``name`` is the whole name field
#: (surname and given names), ``composite`` the composite check digit, and
#: ``optional_data_2`` the optional data on line 2 of a TD1.
ERROR_FIELDS: Final = frozenset(
    {
        "document_type",
        "issuing_state",
        "name",
        "document_number",
        "nationality",
        "birth_date",
        "sex",
        "expiry_date",
        "optional_data",
        "optional_data_2",
        "composite",
    }
)


class MRZFormatError(ValueError):
    """The input cannot be read as an MRZ of any format (lines, lengths or alphabet)."""


@dataclass(frozen=True, slots=True)
class MRZError:
    """One problem found in one field of an MRZ (``field`` and ``code`` are stable)."""

    field: str
    code: str
    message: str
