"""What can be wrong with a seal's bytes: one exception with a stable code.

Codes are part of the API (``POST /api/v1/visas/verify/`` returns them with the
``malformed`` verdict), so a released one never changes meaning.
"""

from __future__ import annotations

from typing import Final

EMPTY: Final = "empty"
ENCODING: Final = "encoding"
MAGIC: Final = "magic"
VERSION: Final = "version"
TRUNCATED: Final = "truncated"
C40: Final = "c40"
DATE: Final = "date"
LENGTH: Final = "length"
NOT_A_VISA: Final = "not_a_visa"
DUPLICATE_FEATURE: Final = "duplicate_feature"
MISSING_FEATURE: Final = "missing_feature"
FEATURE_VALUE: Final = "feature_value"
SIGNATURE_ZONE: Final = "signature_zone"
TRAILING_BYTES: Final = "trailing_bytes"

#: Every code a :class:`SealFormatError` can carry.
ERROR_CODES: Final = frozenset(
    {
        EMPTY,
        ENCODING,
        MAGIC,
        VERSION,
        TRUNCATED,
        C40,
        DATE,
        LENGTH,
        NOT_A_VISA,
        DUPLICATE_FEATURE,
        MISSING_FEATURE,
        FEATURE_VALUE,
        SIGNATURE_ZONE,
        TRAILING_BYTES,
    }
)


class SealFormatError(ValueError):
    """The input cannot be read as a visa seal; ``code`` is one of :data:`ERROR_CODES`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
