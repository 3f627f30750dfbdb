"""Read a visa seal: from raw bytes, base64 or hex text, or the text a QR scanner returns.

The QR code holds the binary seal in byte mode. A scanner that hands the content
over as text maps each byte to the character of the same code (ISO 8859-1), so
such text starts with ``Ü`` (U+00DC); :func:`seal_bytes` turns it back into bytes,
as it does base64 (standard or URL-safe alphabet, padding optional) and hex.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any, Final

from masar.visas.seal.encode import SIGNATURE_MARKER
from masar.visas.seal.errors import (
    EMPTY,
    ENCODING,
    MISSING_FEATURE,
    NOT_A_VISA,
    SIGNATURE_ZONE,
    TRAILING_BYTES,
    SealFormatError,
)
from masar.visas.seal.header import MAGIC_CONSTANT, SealHeader, header_decode
from masar.visas.seal.profile import (
    DOCUMENT_TYPE_CATEGORY,
    FEATURE_DEFINITION_REFERENCE,
    VisaFeatures,
    features_decode,
)
from masar.visas.seal.tlv import read_tlv

_WHITESPACE_RE: Final = re.compile(r"\s+")
_HEX_RE: Final = re.compile(r"(?:[0-9A-Fa-f]{2})+")
_BASE64_RE: Final = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_BASE64URL_RE: Final = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_MAGIC_CHAR: Final = chr(MAGIC_CONSTANT)


@dataclass(frozen=True, slots=True)
class DecodedSeal:
    """A seal read but not yet verified: ``signed_bytes`` is what ``signature`` covers."""

    header: SealHeader
    features: VisaFeatures
    signature: bytes
    signed_bytes: bytes
    raw: bytes

    def header_dict(self) -> dict[str, Any]:
        """The header as a JSON-ready dict."""
        h = self.header
        return {
            "version": h.version + 1,
            "issuing_country": h.issuing_country,
            "signer_identifier": h.signer_identifier,
            "certificate_reference": h.certificate_reference,
            "document_issue_date": h.document_issue_date.isoformat(),
            "signature_date": h.signature_date.isoformat(),
            "feature_definition_reference": h.feature_definition_reference,
            "document_type_category": h.document_type_category,
        }


def _text_to_bytes(text: str) -> bytes:
    if text.startswith(_MAGIC_CHAR):
        # A scanner's ISO 8859-1 text of the binary seal: every byte is significant,
        # even one that looks like trailing whitespace.
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError:
            raise SealFormatError(ENCODING, "seal text has characters past U+00FF") from None
    compact = _WHITESPACE_RE.sub("", text)
    if not compact:
        raise SealFormatError(EMPTY, "the seal is empty")
    # Base64 of a seal never matches the hex pattern: its third character is I-P.
    if _HEX_RE.fullmatch(compact):
        return bytes.fromhex(compact)
    padded = compact + "=" * (-len(compact) % 4)
    try:
        if _BASE64_RE.fullmatch(compact):
            return base64.b64decode(padded, validate=True)
        if _BASE64URL_RE.fullmatch(compact):
            return base64.urlsafe_b64decode(padded)
    except (binascii.Error, ValueError):
        pass
    raise SealFormatError(ENCODING, "the seal is neither binary, base64 nor hex")


def seal_bytes(data: bytes | str) -> bytes:
    """The binary seal in ``data``: raw bytes, scanner text, base64 or hex (bytes or text).

    Raises :class:`SealFormatError` (``empty`` or ``encoding``) when ``data`` is
    none of those; whether the bytes are a seal is :func:`seal_decode`'s business.
    """
    if isinstance(data, str):
        return _text_to_bytes(data)
    if not data:
        raise SealFormatError(EMPTY, "the seal is empty")
    if data[0] == MAGIC_CONSTANT:
        return bytes(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SealFormatError(ENCODING, "the seal is neither binary, base64 nor hex") from None
    return _text_to_bytes(text)


def seal_decode(data: bytes) -> DecodedSeal:
    """Read the header, the visa features and the signature of a binary seal.

    Raises :class:`SealFormatError` with a stable code when the bytes are not a
    well-formed visa seal (see :mod:`masar.visas.seal.errors`). Nothing is
    verified here.
    """
    if not data:
        raise SealFormatError(EMPTY, "the seal is empty")
    header, pos = header_decode(data)
    if (header.feature_definition_reference, header.document_type_category) != (
        FEATURE_DEFINITION_REFERENCE,
        DOCUMENT_TYPE_CATEGORY,
    ):
        raise SealFormatError(
            NOT_A_VISA,
            f"document feature definition 0x{header.feature_definition_reference:02X}, category "
            f"0x{header.document_type_category:02X} is not the visa profile (0x5D, 0x01)",
        )
    items: list[tuple[int, bytes]] = []
    end = len(data)
    while pos < end and data[pos] != SIGNATURE_MARKER:
        tag, value, pos = read_tlv(data, pos)
        items.append((tag, value))
    if pos >= end:
        raise SealFormatError(SIGNATURE_ZONE, "the seal has no signature zone (0xFF)")
    if not items:
        raise SealFormatError(MISSING_FEATURE, "the message zone is empty")
    signed_end = pos
    _, signature, pos = read_tlv(data, pos)
    if pos != end:
        raise SealFormatError(TRAILING_BYTES, f"{end - pos} bytes follow the signature")
    if not signature:
        raise SealFormatError(SIGNATURE_ZONE, "the signature zone is empty")
    return DecodedSeal(
        header=header,
        features=features_decode(items),
        signature=signature,
        signed_bytes=data[:signed_end],
        raw=bytes(data),
    )
