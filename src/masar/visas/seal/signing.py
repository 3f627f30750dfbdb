"""Signer certificates and the signer: ECDSA P-256 with SHA-256, signatures as raw r||s.

A seal names its signer by a *signer identifier* (4 characters: the signer
certificate's country, ``C``, and its two-character common name, ``CN``) and a
*certificate reference* (the certificate's serial number in upper-case hex).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from masar.visas.seal.dates import kingdom_date

#: Bytes of a raw P-256 signature (r and s, 32 bytes each).
SIGNATURE_LENGTH: Final = 64
_HALF: Final = SIGNATURE_LENGTH // 2
ECDSA_SHA256: Final = ec.ECDSA(hashes.SHA256())


class SealSigningError(ValueError):
    """The signer cannot sign: wrong key, or a date outside its certificate or key usage."""


def _name_attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if len(values) != 1 or not isinstance(values[0].value, str):
        return None
    return values[0].value


def certificate_identifiers(certificate: x509.Certificate) -> tuple[str, str] | None:
    """The (signer identifier, certificate reference) of a signer certificate.

    ``None`` when the subject has no two-letter country and two-character common
    name, as every CSCA certificate and any other certificate has.
    """
    country = _name_attribute(certificate.subject, NameOID.COUNTRY_NAME)
    common_name = _name_attribute(certificate.subject, NameOID.COMMON_NAME)
    if country is None or common_name is None or len(country) != 2 or len(common_name) != 2:
        return None
    return (country + common_name).upper(), certificate_reference(certificate.serial_number)


def certificate_reference(serial_number: int) -> str:
    """A serial number as a seal's certificate reference: upper-case hex, no leading zeros."""
    return f"{serial_number:X}"


@dataclass(frozen=True, slots=True)
class ValidityDays:
    """The calendar days (in the kingdom) a certificate covers, with its key usage period."""

    not_before: date
    not_after: date
    key_usage_from: date
    key_usage_until: date

    def covers(self, day: date) -> bool:
        """Whether ``day`` is inside the certificate's validity."""
        return self.not_before <= day <= self.not_after

    def key_usable(self, day: date) -> bool:
        """Whether the private key may sign on ``day`` (validity and key usage period)."""
        return self.covers(day) and self.key_usage_from <= day <= self.key_usage_until


def _as_utc(moment: datetime) -> datetime:
    # cryptography reads GeneralizedTime as a naive datetime in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def validity_days(certificate: x509.Certificate) -> ValidityDays:
    """The validity of ``certificate`` in kingdom days, narrowed by its private key usage period."""
    not_before = kingdom_date(certificate.not_valid_before_utc)
    not_after = kingdom_date(certificate.not_valid_after_utc)
    usage_from, usage_until = not_before, not_after
    try:
        period = certificate.extensions.get_extension_for_class(x509.PrivateKeyUsagePeriod).value
    except x509.ExtensionNotFound:
        pass
    else:
        if period.not_before is not None:
            usage_from = max(not_before, kingdom_date(_as_utc(period.not_before)))
        if period.not_after is not None:
            usage_until = min(not_after, kingdom_date(_as_utc(period.not_after)))
    return ValidityDays(not_before, not_after, usage_from, usage_until)


def raw_signature(der_signature: bytes) -> bytes:
    """An ECDSA signature in DER (as ``cryptography`` makes it) as raw r||s of 64 bytes."""
    r, s = decode_dss_signature(der_signature)
    return r.to_bytes(_HALF) + s.to_bytes(_HALF)


class SealSigner:
    """A signer certificate with its P-256 private key: signs seals and revocation lists.

    ``issuing_country`` (three letters, ``SAU``) goes into each seal's header. The
    key store builds signers from its files; anything holding a key and its
    certificate can build one.
    """

    __slots__ = (
        "_private_key",
        "certificate",
        "certificate_reference",
        "issuing_country",
        "signer_identifier",
        "validity",
    )

    def __init__(
        self,
        private_key: ec.EllipticCurvePrivateKey,
        certificate: x509.Certificate,
        *,
        issuing_country: str,
    ) -> None:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise SealSigningError("a seal signer key is an ECDSA P-256 key")
        if certificate.public_key() != private_key.public_key():
            raise SealSigningError("the private key does not belong to the certificate")
        identifiers = certificate_identifiers(certificate)
        if identifiers is None:
            raise SealSigningError(
                "a signer certificate's subject is a 2-letter country and a 2-character CN"
            )
        self._private_key = private_key
        self.certificate = certificate
        self.issuing_country = issuing_country
        self.signer_identifier, self.certificate_reference = identifiers
        self.validity = validity_days(certificate)

    def __repr__(self) -> str:
        return f"<SealSigner {self.signer_identifier} {self.certificate_reference}>"

    def check_usable(self, day: date) -> None:
        """Raise :class:`SealSigningError` unless the key may sign on ``day``."""
        if not self.validity.key_usable(day):
            v = self.validity
            raise SealSigningError(
                f"signer {self.signer_identifier} {self.certificate_reference} may sign from "
                f"{v.key_usage_from} to {v.key_usage_until}, not on {day}; rotate the keys"
            )

    def sign(self, data: bytes) -> bytes:
        """The raw r||s ECDSA P-256 / SHA-256 signature of ``data`` (64 bytes)."""
        return raw_signature(self._private_key.sign(data, ECDSA_SHA256))
