"""Build a signed visa seal: header, message zone, and the signature zone over both."""

from __future__ import annotations

from datetime import date
from typing import Final

from masar.visas.seal.header import header_bytes
from masar.visas.seal.profile import (
    DOCUMENT_TYPE_CATEGORY,
    FEATURE_DEFINITION_REFERENCE,
    VisaFeatures,
    features_encode,
)
from masar.visas.seal.signing import SealSigner
from masar.visas.seal.tlv import tlv

#: The tag that opens the signature zone.
SIGNATURE_MARKER: Final = 0xFF


def seal_build(
    features: VisaFeatures, *, signer: SealSigner, issued_on: date, signed_on: date
) -> bytes:
    """The bytes of a visa seal for ``features``, signed by ``signer``.

    ``issued_on`` is the visa's issue date and ``signed_on`` the signature date
    (calendar days in the kingdom). Raises :class:`ValueError` for features no
    seal can hold and :class:`~masar.visas.seal.signing.SealSigningError` when
    the signer's key may not sign on ``signed_on``.
    """
    signer.check_usable(signed_on)
    header = header_bytes(
        issuing_country=signer.issuing_country,
        signer_identifier=signer.signer_identifier,
        certificate_reference=signer.certificate_reference,
        document_issue_date=issued_on,
        signature_date=signed_on,
        feature_definition_reference=FEATURE_DEFINITION_REFERENCE,
        document_type_category=DOCUMENT_TYPE_CATEGORY,
    )
    signed = header + features_encode(features)
    return signed + tlv(SIGNATURE_MARKER, signer.sign(signed))
