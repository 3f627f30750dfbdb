"""ICAO Doc 9303 part 13 visible digital seals for Masar's e-visas, in pure Python.

Build a seal (:func:`seal_build`), read one (:func:`seal_bytes`, :func:`seal_decode`),
verify it offline against published certificates (:class:`TrustStore`,
:func:`seal_verify`), sign and read revocation lists, and draw QR codes. Nothing
here imports Django; the byte layout is documented in ``docs/visa-seal.md``.
"""

from masar.visas.seal.c40 import c40_decode, c40_encode
from masar.visas.seal.dates import KINGDOM_TZ, kingdom_date, kingdom_today
from masar.visas.seal.decode import DecodedSeal, seal_bytes, seal_decode
from masar.visas.seal.encode import seal_build
from masar.visas.seal.errors import ERROR_CODES, SealFormatError
from masar.visas.seal.header import SealHeader
from masar.visas.seal.profile import (
    MULTIPLE_ENTRIES,
    VISA_TYPE_HAJJ,
    VISA_TYPE_UMRAH,
    StayDuration,
    VisaFeatures,
)
from masar.visas.seal.qr import seal_qr_png, seal_qr_svg
from masar.visas.seal.revocation import (
    RevocationList,
    RevocationListError,
    RevokedVisa,
    revocation_list_build,
    revocation_list_load,
)
from masar.visas.seal.signing import SealSigner, SealSigningError, certificate_identifiers
from masar.visas.seal.verify import (
    SealVerification,
    TrustedSigner,
    TrustStore,
    TrustStoreError,
    Verdict,
    seal_verify,
)

__all__ = [
    "ERROR_CODES",
    "KINGDOM_TZ",
    "MULTIPLE_ENTRIES",
    "VISA_TYPE_HAJJ",
    "VISA_TYPE_UMRAH",
    "DecodedSeal",
    "RevocationList",
    "RevocationListError",
    "RevokedVisa",
    "SealFormatError",
    "SealHeader",
    "SealSigner",
    "SealSigningError",
    "SealVerification",
    "StayDuration",
    "TrustStore",
    "TrustStoreError",
    "TrustedSigner",
    "Verdict",
    "VisaFeatures",
    "c40_decode",
    "c40_encode",
    "certificate_identifiers",
    "kingdom_date",
    "kingdom_today",
    "revocation_list_build",
    "revocation_list_load",
    "seal_build",
    "seal_bytes",
    "seal_decode",
    "seal_qr_png",
    "seal_qr_svg",
    "seal_verify",
]
