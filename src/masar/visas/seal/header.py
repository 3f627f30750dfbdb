"""The header of a visible digital seal (Doc 9303-13, header version 4; version 3 read too).

=====  =======================================================  ==============
bytes  field                                                    encoding
=====  =======================================================  ==============
1      magic constant ``0xDC``                                  binary
1      header version: ``0x03`` (version 4); ``0x02`` (v3) read  binary
2      issuing country, 3 characters (``SAU``; ``D<<``)          C40
4+n    signer identifier (4), length of the certificate         C40
       reference in hex (2), certificate reference (n chars);
       version 3: identifier (4) + reference (5), 6 bytes
3      document issue date                                      MMDDYYYY
3      signature creation date                                  MMDDYYYY
1      document feature definition reference (visa: ``0x5D``)   binary
1      document type category (visa: ``0x01``)                  binary
=====  =======================================================  ==============
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

from masar.visas.seal.c40 import c40_decode, c40_encode, c40_length
from masar.visas.seal.dates import date_decode, date_encode
from masar.visas.seal.errors import LENGTH, MAGIC, TRUNCATED, VERSION, SealFormatError

MAGIC_CONSTANT: Final = 0xDC
#: Header version 4 of Doc 9303-13 is written as the byte 0x03 (and version 3 as 0x02).
VERSION_4: Final = 0x03
VERSION_3: Final = 0x02

_COUNTRY_RE: Final = re.compile(r"[A-Z]{1,3}<{0,2}")
_SIGNER_RE: Final = re.compile(r"[A-Z]{2}[A-Z0-9]{2}")
_REFERENCE_RE: Final = re.compile(r"[A-Z0-9]{1,255}")


@dataclass(frozen=True, slots=True)
class SealHeader:
    """The header fields. ``issuing_country`` is unpadded (``D``, not ``D<<``)."""

    issuing_country: str
    signer_identifier: str
    certificate_reference: str
    document_issue_date: date
    signature_date: date
    feature_definition_reference: int
    document_type_category: int
    version: int = VERSION_4

    def encode(self) -> bytes:
        """The header bytes (always version 4). Raises :class:`ValueError` for bad fields."""
        if self.version != VERSION_4:
            raise ValueError("Masar writes header version 4 (0x03) only")
        for value in (self.feature_definition_reference, self.document_type_category):
            if not 0 <= value <= 0xFF:
                raise ValueError(f"{value} does not fit in a header byte")
        return header_bytes(
            issuing_country=self.issuing_country,
            signer_identifier=self.signer_identifier,
            certificate_reference=self.certificate_reference,
            document_issue_date=self.document_issue_date,
            signature_date=self.signature_date,
            feature_definition_reference=self.feature_definition_reference,
            document_type_category=self.document_type_category,
        )


def header_bytes(
    *,
    issuing_country: str,
    signer_identifier: str,
    certificate_reference: str,
    document_issue_date: date,
    signature_date: date,
    feature_definition_reference: int,
    document_type_category: int,
) -> bytes:
    """A version 4 header (what :meth:`SealHeader.encode` writes, without building one)."""
    return (
        _fixed_part(issuing_country, signer_identifier, certificate_reference)
        + date_encode(document_issue_date)
        + date_encode(signature_date)
        + bytes((feature_definition_reference, document_type_category))
    )


@lru_cache(maxsize=64)
def _fixed_part(country: str, signer_identifier: str, reference: str) -> bytes:
    """Magic, version, country and signer: the same for every seal of one signer."""
    padded = country.ljust(3, "<")
    if len(padded) != 3 or not _COUNTRY_RE.fullmatch(padded):
        raise ValueError(f"issuing country {country!r} must be 1 to 3 letters")
    if not _SIGNER_RE.fullmatch(signer_identifier):
        raise ValueError(
            f"signer identifier {signer_identifier!r} must be a 2-letter country and 2 letters "
            "or digits"
        )
    if not _REFERENCE_RE.fullmatch(reference):
        raise ValueError(f"certificate reference {reference!r} must be 1 to 255 letters or digits")
    signer = f"{signer_identifier}{len(reference):02X}{reference}"
    return bytes((MAGIC_CONSTANT, VERSION_4)) + c40_encode(padded) + c40_encode(signer)


def _take(data: bytes, pos: int, size: int) -> bytes:
    if pos + size > len(data):
        raise SealFormatError(TRUNCATED, f"the header is cut short at byte {len(data)}")
    return data[pos : pos + size]


def header_decode(data: bytes) -> tuple[SealHeader, int]:
    """Read the header at the start of ``data``; return it and the length it took.

    Raises :class:`SealFormatError` for a wrong magic constant or version, a
    header cut short, bad C40 or an impossible date.
    """
    if len(data) < 2:
        raise SealFormatError(TRUNCATED, "a seal starts with at least 2 header bytes")
    if data[0] != MAGIC_CONSTANT:
        raise SealFormatError(MAGIC, f"a seal starts with 0xDC, not 0x{data[0]:02X}")
    version = data[1]
    if version not in (VERSION_3, VERSION_4):
        raise SealFormatError(VERSION, f"header version byte 0x{version:02X} is not 0x02 or 0x03")
    country = c40_decode(_take(data, 2, 2)).rstrip(" ")
    pos = 4
    if version == VERSION_4:
        start = c40_decode(_take(data, pos, 4))
        pos += 4
        signer_identifier, length_hex = start[:4], start[4:]
        try:
            ref_length = int(length_hex, 16)
        except ValueError:
            raise SealFormatError(
                LENGTH, f"certificate reference length {length_hex!r} is not hexadecimal"
            ) from None
        size = c40_length(ref_length)
        reference = c40_decode(_take(data, pos, size))
        if len(reference) != ref_length:
            raise SealFormatError(
                TRUNCATED,
                f"certificate reference has {len(reference)} characters, not {ref_length}",
            )
        pos += size
    else:
        start = c40_decode(_take(data, pos, 6))
        pos += 6
        signer_identifier, reference = start[:4], start[4:]
    dates = _take(data, pos, 8)
    pos += 8
    header = SealHeader(
        issuing_country=country.replace(" ", ""),
        signer_identifier=signer_identifier,
        certificate_reference=reference,
        document_issue_date=date_decode(dates[0:3]),
        signature_date=date_decode(dates[3:6]),
        feature_definition_reference=dates[6],
        document_type_category=dates[7],
        version=version,
    )
    return header, pos
