"""The visa profile of Doc 9303-13: the document features in a visa seal's message zone.

Header: document feature definition reference ``0x5D``, document type category ``0x01``.

====  ======================  ==========  ============================================
tag   feature                 bytes       value
====  ======================  ==========  ============================================
0x01  MRZ of an MRV-A         48          C40 of line 1 (44) + line 2 positions 1-28
0x02  MRZ of an MRV-B         44          C40 of line 1 (36) + line 2 positions 1-28
0x03  number of entries       1           0 = multiple entries
0x04  duration of stay        3           days, months, years (one byte each)
0x05  passport number         6           C40 of 9 characters (``<``-padded)
0x06  visa type               1-4         unsigned integer, big endian
0x07  additional feature      0-254       Masar: nested items, see below
====  ======================  ==========  ============================================

Positions 29 onwards of line 2 (the optional data) are not in the seal: they decode
as fillers. Masar's own data rides in the additional feature (tag 0x07) as nested
tag-length-value items (ADR 0051):

====  ======================  ==========  ============================================
0x01  visa number             2-40        C40 of 1 to 60 letters and digits
0x02  valid from              3           MMDDYYYY
0x03  valid until             3           MMDDYYYY
====  ======================  ==========  ============================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from masar.visas.seal.c40 import c40_decode, c40_encode
from masar.visas.seal.dates import date_decode, date_encode
from masar.visas.seal.errors import (
    DUPLICATE_FEATURE,
    FEATURE_VALUE,
    MISSING_FEATURE,
    SealFormatError,
)
from masar.visas.seal.tlv import read_tlv, tlv

FEATURE_DEFINITION_REFERENCE: Final = 0x5D
DOCUMENT_TYPE_CATEGORY: Final = 0x01

TAG_MRZ_MRVA: Final = 0x01
TAG_MRZ_MRVB: Final = 0x02
TAG_NUMBER_OF_ENTRIES: Final = 0x03
TAG_DURATION_OF_STAY: Final = 0x04
TAG_PASSPORT_NUMBER: Final = 0x05
TAG_VISA_TYPE: Final = 0x06
TAG_ADDITIONAL_FEATURE: Final = 0x07

#: Items Masar nests inside the additional feature (tag 0x07).
MASAR_VISA_NUMBER: Final = 0x01
MASAR_VALID_FROM: Final = 0x02
MASAR_VALID_UNTIL: Final = 0x03

#: Visa type codes Masar writes in tag 0x06 (ADR 0051).
VISA_TYPE_UMRAH: Final = 1
VISA_TYPE_HAJJ: Final = 2

#: Number of entries 0 means "multiple" in Doc 9303-13.
MULTIPLE_ENTRIES: Final = 0

#: Characters of line 2 that the seal keeps (document number to the valid-until check digit).
MRZ_LINE2_KEPT: Final = 28
_MRZ_BYTES: Final = {TAG_MRZ_MRVA: 48, TAG_MRZ_MRVB: 44}
_MRZ_LINE: Final = {TAG_MRZ_MRVA: 44, TAG_MRZ_MRVB: 36}
_MRZ_RE: Final = re.compile(r"[A-Z0-9<]+")
_NUMBER_RE: Final = re.compile(r"[A-Z0-9]+")
_PASSPORT_CHARS: Final = 9
_VISA_NUMBER_MAX: Final = 60
_ADDITIONAL_MAX: Final = 254


@dataclass(frozen=True, slots=True)
class StayDuration:
    """How long the holder may stay: days, months and years (each 0 to 255)."""

    days: int = 0
    months: int = 0
    years: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"days": self.days, "months": self.months, "years": self.years}


@dataclass(frozen=True, slots=True, kw_only=True)
class VisaFeatures:
    """The features a visa seal carries.

    ``mrz`` is the visa's two MRZ lines (MRV-A 2 x 44 or MRV-B 2 x 36). A decoded
    seal gives every field it holds and ``None`` for the others; Masar's encoder
    requires all but ``visa_type``. ``unknown_features`` holds what Masar does not
    interpret: tags outside the profile, and an additional feature (0x07) that is
    not in Masar's layout.
    """

    mrz: tuple[str, str]
    passport_number: str | None
    duration_of_stay: StayDuration | None
    number_of_entries: int | None
    visa_number: str | None
    valid_from: date | None
    valid_until: date | None
    visa_type: int | None = None
    unknown_features: tuple[tuple[int, bytes], ...] = ()

    @property
    def mrz_format(self) -> str:
        """``MRV-A`` or ``MRV-B``."""
        return "MRV-A" if len(self.mrz[0]) == 44 else "MRV-B"

    def to_dict(self) -> dict[str, object]:
        """The features as a JSON-ready dict (dates ISO 8601, unknown features in hex)."""
        return {
            "visa_number": self.visa_number,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "passport_number": self.passport_number,
            "number_of_entries": self.number_of_entries,
            "duration_of_stay": self.duration_of_stay.to_dict() if self.duration_of_stay else None,
            "visa_type": self.visa_type,
            "mrz_format": self.mrz_format,
            "mrz": list(self.mrz),
            "unknown_features": [
                {"tag": tag, "value": value.hex()} for tag, value in self.unknown_features
            ],
        }


# --- Encoding -----------------------------------------------------------------------------


def _mrz_value(lines: tuple[str, str]) -> tuple[int, bytes]:
    if len(lines) != 2:
        raise ValueError("a visa MRZ has two lines")
    line1, line2 = lines
    if len(line1) != len(line2) or len(line1) not in (44, 36):
        raise ValueError("a visa MRZ is 2 lines of 44 (MRV-A) or 36 (MRV-B) characters")
    if not (_MRZ_RE.fullmatch(line1) and _MRZ_RE.fullmatch(line2)) or line1[0] != "V":
        raise ValueError("a visa MRZ starts with V and holds only A-Z, 0-9 and <")
    tag = TAG_MRZ_MRVA if len(line1) == 44 else TAG_MRZ_MRVB
    return tag, c40_encode(line1 + line2[:MRZ_LINE2_KEPT])


def _check_byte(value: int, what: str) -> None:
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{what} must be 0 to 255, not {value}")


def features_encode(features: VisaFeatures) -> bytes:
    """The message zone of a Masar visa seal, features in ascending tag order.

    Raises :class:`ValueError` for a feature no seal can hold, a missing one, or a
    valid-until date that differs from the MRZ's.
    """
    f = features
    passport, stay, entries = f.passport_number, f.duration_of_stay, f.number_of_entries
    visa_number, valid_from, valid_until = f.visa_number, f.valid_from, f.valid_until
    if (
        passport is None
        or stay is None
        or entries is None
        or visa_number is None
        or valid_from is None
        or valid_until is None
    ):
        raise ValueError(
            "a Masar seal needs the passport number, duration of stay, number of entries, "
            "visa number and validity"
        )
    if f.unknown_features:
        raise ValueError("Masar does not write features outside the visa profile")
    mrz_tag, mrz = _mrz_value(f.mrz)
    until = valid_until
    if f.mrz[1][21:27] != f"{until.year % 100:02d}{until.month:02d}{until.day:02d}":
        raise ValueError("the MRZ's valid-until date differs from valid_until")
    if not (_NUMBER_RE.fullmatch(passport) and len(passport) <= _PASSPORT_CHARS):
        raise ValueError(f"passport number {passport!r} must be 1 to 9 letters and digits")
    if not (_NUMBER_RE.fullmatch(visa_number) and len(visa_number) <= _VISA_NUMBER_MAX):
        raise ValueError(f"visa number {visa_number!r} must be 1 to 60 letters and digits")
    if valid_from > valid_until:
        raise ValueError("a visa cannot be valid from a date after its valid-until date")
    _check_byte(entries, "number of entries")
    _check_byte(stay.days, "days of stay")
    _check_byte(stay.months, "months of stay")
    _check_byte(stay.years, "years of stay")

    number = c40_encode(visa_number)  # at most 40 bytes: every length below fits one byte
    out = bytearray((mrz_tag, len(mrz)))
    out += mrz
    out += bytes(
        (
            TAG_NUMBER_OF_ENTRIES,
            1,
            entries,
            TAG_DURATION_OF_STAY,
            3,
            stay.days,
            stay.months,
            stay.years,
        )
    )
    out += bytes((TAG_PASSPORT_NUMBER, 6))
    out += c40_encode(passport.ljust(_PASSPORT_CHARS, "<"))
    if f.visa_type is not None:
        if not 0 <= f.visa_type <= 0xFFFFFFFF:
            raise ValueError(f"visa type must fit in 4 bytes, not {f.visa_type}")
        out += tlv(TAG_VISA_TYPE, f.visa_type.to_bytes(max(1, -(-f.visa_type.bit_length() // 8))))
    out += bytes((TAG_ADDITIONAL_FEATURE, len(number) + 12, MASAR_VISA_NUMBER, len(number)))
    out += number
    out += bytes((MASAR_VALID_FROM, 3))
    out += date_encode(valid_from)
    out += bytes((MASAR_VALID_UNTIL, 3))
    out += date_encode(valid_until)
    return bytes(out)


# --- Decoding -----------------------------------------------------------------------------


def _exact(tag: int, value: bytes, size: int, what: str) -> bytes:
    if len(value) != size:
        raise SealFormatError(
            FEATURE_VALUE, f"{what} (tag 0x{tag:02X}) is {len(value)} bytes, not {size}"
        )
    return value


def _mrz_lines(tag: int, value: bytes) -> tuple[str, str]:
    text = c40_decode(_exact(tag, value, _MRZ_BYTES[tag], "the MRZ")).replace(" ", "<")
    size = _MRZ_LINE[tag]
    if len(text) != size + MRZ_LINE2_KEPT:
        raise SealFormatError(FEATURE_VALUE, f"the MRZ has {len(text)} characters")
    return text[:size], text[size:].ljust(size, "<")


def _masar_items(value: bytes) -> dict[int, bytes] | None:
    """Masar's nested items, or ``None`` when the additional feature is someone else's."""
    items: dict[int, bytes] = {}
    pos = 0
    try:
        while pos < len(value):
            tag, item, pos = read_tlv(value, pos)
            if tag not in (MASAR_VISA_NUMBER, MASAR_VALID_FROM, MASAR_VALID_UNTIL) or tag in items:
                return None
            items[tag] = item
    except SealFormatError:
        return None
    return items


def features_decode(items: Iterable[tuple[int, bytes]]) -> VisaFeatures:
    """The visa features of a message zone's items (tag, value) in the order read.

    Unknown tags are kept in ``unknown_features`` and do not make the seal invalid.
    Raises :class:`SealFormatError` for a repeated tag, a missing MRZ or a value
    of the wrong size or content.
    """
    seen: dict[int, bytes] = {}
    unknown: list[tuple[int, bytes]] = []
    for tag, value in items:
        if tag in seen or (tag in _MRZ_BYTES and seen.keys() & _MRZ_BYTES.keys()):
            raise SealFormatError(DUPLICATE_FEATURE, f"feature 0x{tag:02X} appears twice")
        if TAG_MRZ_MRVA <= tag <= TAG_ADDITIONAL_FEATURE:
            seen[tag] = value
        else:
            unknown.append((tag, value))
    mrz_tag = next((tag for tag in _MRZ_BYTES if tag in seen), None)
    if mrz_tag is None:
        raise SealFormatError(MISSING_FEATURE, "a visa seal carries the MRZ (tag 0x01 or 0x02)")
    mrz = _mrz_lines(mrz_tag, seen[mrz_tag])

    entries = seen.get(TAG_NUMBER_OF_ENTRIES)
    stay = seen.get(TAG_DURATION_OF_STAY)
    passport = seen.get(TAG_PASSPORT_NUMBER)
    visa_type = seen.get(TAG_VISA_TYPE)
    if visa_type is not None and not 1 <= len(visa_type) <= 4:
        raise SealFormatError(FEATURE_VALUE, "the visa type (tag 0x06) is 1 to 4 bytes")
    if entries is not None:
        entries = _exact(TAG_NUMBER_OF_ENTRIES, entries, 1, "the number of entries")
    if stay is not None:
        stay = _exact(TAG_DURATION_OF_STAY, stay, 3, "the duration of stay")
    passport_number = None
    if passport is not None:
        text = c40_decode(_exact(TAG_PASSPORT_NUMBER, passport, 6, "the passport number"))
        passport_number = text.rstrip(" ")
        if not _NUMBER_RE.fullmatch(passport_number):
            raise SealFormatError(FEATURE_VALUE, "the passport number is letters and digits")

    visa_number = valid_from = valid_until = None
    additional = seen.get(TAG_ADDITIONAL_FEATURE)
    masar = _masar_items(additional) if additional is not None else None
    if masar is None and additional is not None:
        unknown.append((TAG_ADDITIONAL_FEATURE, additional))
    elif masar is not None:
        if MASAR_VISA_NUMBER in masar:
            visa_number = c40_decode(masar[MASAR_VISA_NUMBER])
            if not _NUMBER_RE.fullmatch(visa_number):
                raise SealFormatError(FEATURE_VALUE, "the visa number is letters and digits")
        if MASAR_VALID_FROM in masar:
            valid_from = date_decode(
                _exact(TAG_ADDITIONAL_FEATURE, masar[MASAR_VALID_FROM], 3, "valid from")
            )
        if MASAR_VALID_UNTIL in masar:
            valid_until = date_decode(
                _exact(TAG_ADDITIONAL_FEATURE, masar[MASAR_VALID_UNTIL], 3, "valid until")
            )

    return VisaFeatures(
        mrz=mrz,
        passport_number=passport_number,
        duration_of_stay=StayDuration(stay[0], stay[1], stay[2]) if stay is not None else None,
        number_of_entries=entries[0] if entries is not None else None,
        visa_number=visa_number,
        valid_from=valid_from,
        valid_until=valid_until,
        visa_type=int.from_bytes(visa_type) if visa_type is not None else None,
        unknown_features=tuple(unknown),
    )
