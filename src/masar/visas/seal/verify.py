"""Verify a visa seal offline against published certificates: a verdict and the visa data.

Checks, in this order (the first that fails gives the verdict, ADR 0053):

1. the bytes read as a visa seal, else ``malformed``;
2. a published signer certificate has the seal's signer identifier and certificate
   reference and chains to a published CSCA, else ``unknown_signer``;
3. the signature verifies with that certificate's key, else ``bad_signature``;
4. the signer certificate, its private key usage period and the CSCA certificate
   covered the signature date, else ``expired``;
5. the visa number is not on the revocation list, else ``revoked``;
6. the visa is still valid today (valid-until, or the MRZ's date), else ``expired``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from masar.documents import MRZFormatError, parse_mrz
from masar.visas.seal.dates import kingdom_today
from masar.visas.seal.decode import DecodedSeal, seal_bytes, seal_decode
from masar.visas.seal.errors import SealFormatError
from masar.visas.seal.signing import (
    ECDSA_SHA256,
    SIGNATURE_LENGTH,
    ValidityDays,
    certificate_identifiers,
    validity_days,
)

if TYPE_CHECKING:
    from masar.visas.seal.revocation import RevocationList, RevokedVisa

#: File names a certificate directory is read from.
CERTIFICATE_SUFFIXES: Final = (".pem", ".crt", ".cer", ".der")


class Verdict(StrEnum):
    """What a verification concludes (stable values, part of the API)."""

    VALID = "valid"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_SIGNER = "unknown_signer"
    EXPIRED = "expired"
    REVOKED = "revoked"
    MALFORMED = "malformed"


#: Stable reasons beside the verdict (a malformed seal gives its SealFormatError code).
REASON_VALID: Final = "valid"
REASON_SIGNER_NOT_PUBLISHED: Final = "signer_not_published"
REASON_SIGNER_NOT_CHAINED: Final = "signer_not_chained"
REASON_SIGNATURE_MISMATCH: Final = "signature_mismatch"
REASON_SIGNER_EXPIRED: Final = "signer_not_valid_at_signing"
REASON_VISA_REVOKED: Final = "visa_revoked"
REASON_VISA_EXPIRED: Final = "visa_expired"


class TrustStoreError(ValueError):
    """The published certificates cannot be read, or none of them is a CSCA."""


@dataclass(frozen=True, slots=True)
class TrustedSigner:
    """A signer certificate that chains to a published CSCA."""

    certificate: x509.Certificate
    csca: x509.Certificate
    signer_identifier: str
    certificate_reference: str
    public_key: ec.EllipticCurvePublicKey
    validity: ValidityDays
    csca_validity: ValidityDays

    def to_dict(self) -> dict[str, Any]:
        v = self.validity
        return {
            "signer_identifier": self.signer_identifier,
            "certificate_reference": self.certificate_reference,
            "subject": self.certificate.subject.rfc4514_string(),
            "issuer": self.certificate.issuer.rfc4514_string(),
            "not_before": v.not_before.isoformat(),
            "not_after": v.not_after.isoformat(),
        }


def _is_csca(certificate: x509.Certificate) -> bool:
    if certificate.subject != certificate.issuer:
        return False
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        certificate.verify_directly_issued_by(certificate)
    except (x509.ExtensionNotFound, ValueError, TypeError, InvalidSignature):
        return False
    return constraints.ca and usage.key_cert_sign


def _may_sign_seals(certificate: x509.Certificate) -> bool:
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        return False
    extensions = certificate.extensions
    try:
        if extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        pass
    try:
        return extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    except x509.ExtensionNotFound:
        return True


def _issued_by(certificate: x509.Certificate, csca: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(csca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


class TrustStore:
    """Published CSCA and signer certificates, with each signer's chain checked once.

    A signer is trusted when its certificate is directly issued by one of the CSCA
    certificates (self-signed, CA, key-cert-sign) and holds a P-256 key allowed to
    sign. Signer certificates that do not chain are remembered, so that a seal
    naming one is told apart from a seal naming no published certificate at all.
    """

    def __init__(self, certificates: Iterable[x509.Certificate]) -> None:
        certs = list(dict.fromkeys(certificates))
        self.cscas: tuple[x509.Certificate, ...] = tuple(c for c in certs if _is_csca(c))
        trusted: dict[tuple[str, int], list[TrustedSigner]] = {}
        untrusted: set[tuple[str, int]] = set()
        for cert in certs:
            identifiers = certificate_identifiers(cert)
            if cert in self.cscas or identifiers is None:
                continue
            key = (identifiers[0], cert.serial_number)
            issuer = next(
                (
                    csca
                    for csca in self.cscas
                    if cert.issuer == csca.subject and _issued_by(cert, csca)
                ),
                None,
            )
            public_key = cert.public_key()
            if (
                issuer is None
                or not _may_sign_seals(cert)
                or not isinstance(public_key, ec.EllipticCurvePublicKey)
            ):
                untrusted.add(key)
                continue
            trusted.setdefault(key, []).append(
                TrustedSigner(
                    certificate=cert,
                    csca=issuer,
                    signer_identifier=identifiers[0],
                    certificate_reference=identifiers[1],
                    public_key=public_key,
                    validity=validity_days(cert),
                    csca_validity=validity_days(issuer),
                )
            )
        self._trusted = {key: tuple(value) for key, value in trusted.items()}
        self._untrusted = frozenset(untrusted - trusted.keys())

    @classmethod
    def from_pem(cls, data: bytes) -> TrustStore:
        """A store of every certificate in PEM ``data``."""
        try:
            return cls(x509.load_pem_x509_certificates(data))
        except ValueError as exc:
            raise TrustStoreError(f"not PEM certificates: {exc}") from None

    @classmethod
    def from_directory(cls, directory: Path | str) -> TrustStore:
        """A store of the certificates in ``directory`` (``.pem``/``.crt``/``.cer``/``.der``).

        Raises :class:`TrustStoreError` when the directory cannot be read, a file
        in it is not a certificate, or no CSCA certificate is among them.
        """
        path = Path(directory)
        if not path.is_dir():
            raise TrustStoreError(f"{path} is not a directory")
        certs: list[x509.Certificate] = []
        for file in sorted(path.iterdir()):
            if not file.is_file() or file.suffix.lower() not in CERTIFICATE_SUFFIXES:
                continue
            data = file.read_bytes()
            try:
                if b"-----BEGIN" in data:
                    certs.extend(x509.load_pem_x509_certificates(data))
                else:
                    certs.append(x509.load_der_x509_certificate(data))
            except ValueError:
                raise TrustStoreError(f"{file.name} is not a certificate") from None
        store = cls(certs)
        if not store.cscas:
            raise TrustStoreError(f"no CSCA certificate in {path}")
        return store

    @property
    def signers(self) -> tuple[TrustedSigner, ...]:
        """Every trusted signer."""
        return tuple(s for group in self._trusted.values() for s in group)

    def signers_for(
        self, signer_identifier: str, certificate_reference: str
    ) -> tuple[TrustedSigner, ...]:
        """The trusted signers a seal header names (usually one, or none)."""
        serial = _serial(certificate_reference)
        if serial is None:
            return ()
        return self._trusted.get((signer_identifier, serial), ())

    def names_untrusted(self, signer_identifier: str, certificate_reference: str) -> bool:
        """Whether a published certificate has these identifiers but does not chain to a CSCA."""
        serial = _serial(certificate_reference)
        return serial is not None and (signer_identifier, serial) in self._untrusted


def _serial(certificate_reference: str) -> int | None:
    try:
        return int(certificate_reference, 16)
    except ValueError:
        return None


def signature_matches(signer: TrustedSigner, signature: bytes, data: bytes) -> bool:
    """Whether raw r||s ``signature`` is the signer's ECDSA P-256 / SHA-256 signature of ``data``."""
    if len(signature) != SIGNATURE_LENGTH:
        return False
    half = SIGNATURE_LENGTH // 2
    der = encode_dss_signature(int.from_bytes(signature[:half]), int.from_bytes(signature[half:]))
    try:
        signer.public_key.verify(der, data, ECDSA_SHA256)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True, slots=True)
class SealVerification:
    """The verdict on one seal, why, and what the seal says.

    ``seal`` is ``None`` only for ``malformed``; ``signer`` is set once a trusted
    signer verified the signature. The visa data of a seal that is not ``valid``
    is what the seal claims, nothing more.
    """

    verdict: Verdict
    reason: str
    message: str
    checked_on: date
    seal: DecodedSeal | None = None
    signer: TrustedSigner | None = None
    revoked: RevokedVisa | None = None
    revocations: RevocationList | None = None

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.VALID

    def to_dict(self) -> dict[str, Any]:
        """The verification as one JSON-ready dict (the CLI prints it, the API returns it)."""
        seal = self.seal
        visa = None
        if seal is not None:
            visa = seal.features.to_dict() | {"holder": _holder(seal)}
        lists = self.revocations
        return {
            "verdict": self.verdict.value,
            "reason": self.reason,
            "message": self.message,
            "checked_on": self.checked_on.isoformat(),
            "visa": visa,
            "header": seal.header_dict() if seal is not None else None,
            "signer": self.signer.to_dict() if self.signer is not None else None,
            "revoked_at": self.revoked.revoked_at.isoformat() if self.revoked else None,
            "revocation_list": (
                {
                    "issued_at": lists.issued_at.isoformat(),
                    "next_update": lists.next_update.isoformat() if lists.next_update else None,
                    "entries": len(lists.entries),
                }
                if lists is not None
                else None
            ),
        }


def _holder(seal: DecodedSeal) -> dict[str, Any] | None:
    """The holder as the seal's MRZ gives it (the part of line 2 the seal keeps)."""
    try:
        mrz = parse_mrz(seal.features.mrz, today=seal.header.signature_date, allow_specimen=True)
    except MRZFormatError:
        return None
    return {
        "surname": mrz.surname,
        "given_names": mrz.given_names,
        "nationality": mrz.nationality,
        "birth_date": mrz.birth_date.isoformat() if mrz.birth_date else None,
        "sex": mrz.sex,
        "document_number": mrz.document_number,
        "issuing_state": mrz.issuing_state,
        "mrz_valid_until": mrz.expiry_date.isoformat() if mrz.expiry_date else None,
        "mrz_errors": [{"field": e.field, "code": e.code} for e in mrz.errors],
    }


def _valid_until(seal: DecodedSeal) -> date | None:
    if seal.features.valid_until is not None:
        return seal.features.valid_until
    try:
        mrz = parse_mrz(seal.features.mrz, today=seal.header.signature_date, allow_specimen=True)
    except MRZFormatError:
        return None
    return mrz.expiry_date


def seal_verify(
    seal: bytes | str | DecodedSeal,
    *,
    trust: TrustStore,
    revocations: RevocationList | None = None,
    today: date | None = None,
) -> SealVerification:
    """Verify ``seal`` (bytes, scanner text, base64 or hex, or already decoded).

    ``trust`` holds the published certificates; ``revocations`` a revocation list
    already checked by :func:`~masar.visas.seal.revocation.revocation_list_load`;
    ``today`` (default: today in the kingdom) decides whether the visa has
    expired. Never raises for a bad seal: the verdict says what is wrong.
    """
    checked_on = today or kingdom_today()
    if isinstance(seal, DecodedSeal):
        decoded = seal
    else:
        try:
            decoded = seal_decode(seal_bytes(seal))
        except SealFormatError as exc:
            return SealVerification(Verdict.MALFORMED, exc.code, exc.message, checked_on)

    def verdict(result: Verdict, reason: str, message: str, **extra: Any) -> SealVerification:
        return SealVerification(
            result, reason, message, checked_on, decoded, revocations=revocations, **extra
        )

    header = decoded.header
    candidates = trust.signers_for(header.signer_identifier, header.certificate_reference)
    if not candidates:
        named = f"{header.signer_identifier} {header.certificate_reference}"
        if trust.names_untrusted(header.signer_identifier, header.certificate_reference):
            return verdict(
                Verdict.UNKNOWN_SIGNER,
                REASON_SIGNER_NOT_CHAINED,
                f"the certificate of signer {named} does not chain to a published CSCA",
            )
        return verdict(
            Verdict.UNKNOWN_SIGNER,
            REASON_SIGNER_NOT_PUBLISHED,
            f"no published certificate for signer {named}",
        )
    signer = next(
        (s for s in candidates if signature_matches(s, decoded.signature, decoded.signed_bytes)),
        None,
    )
    if signer is None:
        return verdict(
            Verdict.BAD_SIGNATURE,
            REASON_SIGNATURE_MISMATCH,
            "the signature does not match the seal's content",
        )
    signed_on = header.signature_date
    if not (signer.validity.key_usable(signed_on) and signer.csca_validity.covers(signed_on)):
        return verdict(
            Verdict.EXPIRED,
            REASON_SIGNER_EXPIRED,
            f"the signer certificate or its CSCA was not valid on the signature date {signed_on}",
            signer=signer,
        )
    visa_number = decoded.features.visa_number
    if revocations is not None and visa_number is not None:
        entry = revocations.lookup(header.issuing_country, visa_number)
        if entry is not None:
            return verdict(
                Verdict.REVOKED,
                REASON_VISA_REVOKED,
                f"visa {visa_number} was revoked at {entry.revoked_at.isoformat()}",
                signer=signer,
                revoked=entry,
            )
    valid_until = _valid_until(decoded)
    if valid_until is None or valid_until < checked_on:
        return verdict(
            Verdict.EXPIRED,
            REASON_VISA_EXPIRED,
            f"the visa was valid until {valid_until}" if valid_until else "no validity date",
            signer=signer,
        )
    return verdict(
        Verdict.VALID, REASON_VALID, "the seal is authentic and the visa is valid", signer=signer
    )
