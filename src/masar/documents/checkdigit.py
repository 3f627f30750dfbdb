"""The ICAO Doc 9303 check digit (Part 3, section 4.9).

Each character has a value (``0``-``9`` their own, ``A``-``Z`` 10-35, ``<`` 0);
values are multiplied by the weights 7, 3, 1 repeating from the first character,
and the check digit is the sum modulo 10.
"""

from __future__ import annotations

import re
from typing import Final

_ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
_VALUES: Final = {char: (i if char != "<" else 0) for i, char in enumerate(_ALPHABET)}
# Speed: text is mapped once to the values of its characters with bytes.translate,
# then each third of a slice is summed in C, several times faster than a
# per-character loop in Python. Bytes outside the alphabet map to 0; parse_mrz
# rejects them before they get here.
_VALUE_BYTES: Final = bytes(_VALUES.get(chr(code), 0) for code in range(256))
_DIGITS: Final = "0123456789"
_MRZ_TEXT_RE: Final = re.compile(r"[A-Z0-9<]*")


def values_of(text: str) -> bytes:
    """Return the character values of ``text`` (MRZ alphabet only) as bytes."""
    return text.encode("ascii").translate(_VALUE_BYTES)


def digit_of(values: bytes) -> str:
    """Return the check digit of a slice of :func:`values_of` output."""
    return _DIGITS[(7 * sum(values[0::3]) + 3 * sum(values[1::3]) + sum(values[2::3])) % 10]


def check_digit(value: str) -> str:
    """Return the Doc 9303 check digit (``"0"``-``"9"``) of ``value``.

    ``value`` must be in the MRZ alphabet (``A``-``Z``, ``0``-``9``, ``<``);
    anything else, lower case included, raises :class:`ValueError`.
    """
    if not _MRZ_TEXT_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not in the MRZ alphabet (A-Z, 0-9, <)")
    return digit_of(values_of(value))
