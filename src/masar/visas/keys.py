"""The visa signing keys: a CSCA and its seal signers, kept as files outside the database.

Layout of the key directory (``MASAR_KEYS_DIR``, default ``var/keys/``; ADR 0052)::

    store.json                 issuing country, signer identifier, signers in order, current
    csca.pem  csca.key         the country signing CA: certificate, private key
    signers/SAVS-5A1C0F3E.pem  a signer certificate (one per rotation, all kept)
    signers/SAVS-5A1C0F3E.key  its private key

Private keys are PKCS#8 PEM files of mode 0600, encrypted with
``MASAR_KEYS_PASSPHRASE`` when it is set; a key file others can read is refused.
The CSCA (ECDSA P-384) issues signer certificates (ECDSA P-256) whose subject is
``C`` = the signer identifier's first two letters and ``CN`` = its last two, and
whose serial number, in hex, is the certificate reference a seal carries.
This module imports Django only in :meth:`KeyStore.from_settings`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ObjectIdentifier

from masar.documents.codes import ICAO_CODES, SPECIMEN_CODES
from masar.settings.env import VAR_DIR, env_str
from masar.visas.seal.signing import SealSigner, SealSigningError, certificate_reference
from masar.visas.seal.verify import TrustStore

KEYS_DIR_ENV: Final = "MASAR_KEYS_DIR"
PASSPHRASE_ENV: Final = "MASAR_KEYS_PASSPHRASE"  # noqa: S105 (a variable name)
STORE_FORMAT: Final = "masar-visa-keys/1"

DEFAULT_COUNTRY: Final = "SAU"
DEFAULT_SIGNER_IDENTIFIER: Final = "SAVS"
DEFAULT_ORGANIZATION: Final = "Ministry of Hajj and Umrah"
#: CSCA certificate validity (ICAO: key usage period plus the longest signer validity).
CSCA_DAYS: Final = 10 * 365
#: How long a signer key signs, and how much longer its certificate stays valid so that
#: verifiers checking the certificate at verification time still accept its seals.
SIGNER_USAGE_DAYS: Final = 365
DOCUMENT_DAYS: Final = 365

#: ICAO Doc 9303-12 document type list extension: this signer signs visas ("V").
DOCUMENT_TYPE_LIST_OID: Final = ObjectIdentifier("2.23.136.1.1.6.2")
_DOCUMENT_TYPE_VISA: Final = bytes.fromhex("30080201003103130156")

_SIGNER_ID_RE: Final = re.compile(r"[A-Z]{2}[A-Z0-9]{2}")
_SERIAL_MIN: Final = 0x1000_0000
_SERIAL_MAX: Final = 0x7FFF_FFFF


class KeyStoreError(Exception):
    """The key store is missing, already set up, unreadable, or a key file is unsafe."""


def default_keys_dir() -> Path:
    """``MASAR_KEYS_DIR``, or ``keys/`` under Masar's var directory."""
    return Path(env_str(KEYS_DIR_ENV) or VAR_DIR / "keys")


@dataclass(frozen=True, slots=True)
class PublishedCertificate:
    """A public certificate of the store, with the identifiers a seal refers to it by."""

    kind: Literal["csca", "signer"]
    signer_identifier: str | None
    certificate_reference: str | None
    subject: str
    not_before: datetime
    not_after: datetime
    key_usage_until: datetime | None
    current: bool
    fingerprint_sha256: str
    pem: str = field(repr=False)
    der: bytes = field(repr=False)

    @classmethod
    def of(
        cls,
        certificate: x509.Certificate,
        kind: Literal["csca", "signer"],
        *,
        current: bool = False,
    ) -> PublishedCertificate:
        identifier = reference = None
        usage_until = None
        if kind == "signer":
            identifier = _signer_identifier(certificate)
            reference = certificate_reference(certificate.serial_number)
            with contextlib.suppress(x509.ExtensionNotFound):
                period = certificate.extensions.get_extension_for_class(
                    x509.PrivateKeyUsagePeriod
                ).value
                if period.not_after is not None:
                    usage_until = period.not_after.replace(tzinfo=UTC)
        return cls(
            kind=kind,
            signer_identifier=identifier,
            certificate_reference=reference,
            subject=certificate.subject.rfc4514_string(),
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            key_usage_until=usage_until,
            current=current,
            fingerprint_sha256=certificate.fingerprint(hashes.SHA256()).hex(),
            pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            der=certificate.public_bytes(serialization.Encoding.DER),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: times ISO 8601, the certificate as PEM (DER is its base64 body)."""
        return {
            "kind": self.kind,
            "signer_identifier": self.signer_identifier,
            "certificate_reference": self.certificate_reference,
            "subject": self.subject,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "key_usage_until": self.key_usage_until.isoformat() if self.key_usage_until else None,
            "current": self.current,
            "fingerprint_sha256": self.fingerprint_sha256,
            "pem": self.pem,
        }


def _signer_identifier(certificate: x509.Certificate) -> str:
    country = certificate.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
    common_name = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    return f"{country!s}{common_name!s}"


def _ski(key: ec.EllipticCurvePublicKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key)


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 from the start: the key is never readable by others."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(data)


def _write_public(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


class KeyStore:
    """The CSCA and signer keys in one directory; see the module docstring for the layout."""

    def __init__(self, directory: Path | str, *, passphrase: str | None = None) -> None:
        self.directory = Path(directory)
        self._passphrase = passphrase.encode() if passphrase else None
        self._signer_cache: tuple[tuple[int, int], SealSigner] | None = None

    @classmethod
    def from_environment(cls, directory: Path | str | None = None) -> KeyStore:
        """The store in ``directory`` (default ``MASAR_KEYS_DIR``), ``MASAR_KEYS_PASSPHRASE``."""
        return cls(directory or default_keys_dir(), passphrase=env_str(PASSPHRASE_ENV) or None)

    @classmethod
    def from_settings(cls) -> KeyStore:
        """The store Django's settings name (``MASAR_KEYS_DIR``, ``MASAR_KEYS_PASSPHRASE``).

        Falls back on the environment for a setting that is not defined.
        """
        from django.conf import settings

        directory = getattr(settings, "MASAR_KEYS_DIR", None) or default_keys_dir()
        passphrase = getattr(settings, "MASAR_KEYS_PASSPHRASE", None) or env_str(PASSPHRASE_ENV)
        return cls(directory, passphrase=passphrase or None)

    # --- files ---------------------------------------------------------------------------

    @property
    def _store_file(self) -> Path:
        return self.directory / "store.json"

    @property
    def _signers_dir(self) -> Path:
        return self.directory / "signers"

    def exists(self) -> bool:
        """Whether :meth:`init` has run in this directory."""
        return self._store_file.is_file()

    def _metadata(self) -> dict[str, Any]:
        try:
            data = json.loads(self._store_file.read_text())
        except FileNotFoundError:
            raise KeyStoreError(
                f"no visa keys in {self.directory}: run `masar visa keys init`"
            ) from None
        except (OSError, ValueError) as exc:
            raise KeyStoreError(f"cannot read {self._store_file}: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
            raise KeyStoreError(f"{self._store_file} is not a Masar key store ({STORE_FORMAT})")
        return data

    def _write_metadata(self, data: dict[str, Any]) -> None:
        temporary = self.directory / ".store.json.tmp"
        temporary.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        os.replace(temporary, self._store_file)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One init or rotation at a time, even from several processes."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.directory / ".lock", "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _encryption(self) -> serialization.KeySerializationEncryption:
        if self._passphrase:
            return serialization.BestAvailableEncryption(self._passphrase)
        return serialization.NoEncryption()

    def _private_bytes(self, key: ec.EllipticCurvePrivateKey) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, self._encryption()
        )

    def _load_private(self, path: Path) -> ec.EllipticCurvePrivateKey:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise KeyStoreError(f"private key {path} is missing") from None
        if mode & 0o077:
            raise KeyStoreError(
                f"private key {path} can be read by other users (mode {mode & 0o777:o}); "
                "chmod 600 it"
            )
        data = path.read_bytes()
        try:
            key = serialization.load_pem_private_key(data, password=self._passphrase)
        except TypeError:
            if self._passphrase is None:
                raise KeyStoreError(
                    f"private key {path.name} is encrypted: set {PASSPHRASE_ENV}"
                ) from None
            key = serialization.load_pem_private_key(data, password=None)
        except ValueError:
            raise KeyStoreError(f"cannot decrypt {path.name}: wrong {PASSPHRASE_ENV}?") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise KeyStoreError(f"{path.name} is not an elliptic curve key")
        return key

    @staticmethod
    def _load_certificate(path: Path) -> x509.Certificate:
        try:
            return x509.load_pem_x509_certificate(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise KeyStoreError(f"cannot read certificate {path}: {exc}") from None

    def _signer_paths(self, identifier: str, reference: str) -> tuple[Path, Path]:
        stem = self._signers_dir / f"{identifier}-{reference}"
        return stem.with_suffix(".pem"), stem.with_suffix(".key")

    # --- issuing ---------------------------------------------------------------------------

    def _issue_signer(
        self,
        *,
        signer_identifier: str,
        csca: x509.Certificate,
        csca_key: ec.EllipticCurvePrivateKey,
        now: datetime,
        usage_days: int,
        document_days: int,
    ) -> x509.Certificate:
        if now >= csca.not_valid_after_utc:
            raise KeyStoreError("the CSCA certificate has expired: a new CSCA is needed")
        usage_end = min(now + timedelta(days=usage_days), csca.not_valid_after_utc)
        not_after = min(usage_end + timedelta(days=document_days), csca.not_valid_after_utc)
        taken = {path.stem.rsplit("-", 1)[-1] for path in self._signers_dir.glob("*.pem")}
        serial = secrets.randbelow(_SERIAL_MAX - _SERIAL_MIN) + _SERIAL_MIN
        while certificate_reference(serial) in taken:
            serial = secrets.randbelow(_SERIAL_MAX - _SERIAL_MIN) + _SERIAL_MIN
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, signer_identifier[:2]),
                x509.NameAttribute(NameOID.COMMON_NAME, signer_identifier[2:]),
            ]
        )
        csca_public = csca_key.public_key()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(csca.subject)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(now)
            .not_valid_after(not_after)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(_ski(csca_public)),
                critical=False,
            )
            .add_extension(_ski(key.public_key()), critical=False)
            .add_extension(x509.PrivateKeyUsagePeriod(now, usage_end), critical=False)
            .add_extension(
                x509.UnrecognizedExtension(DOCUMENT_TYPE_LIST_OID, _DOCUMENT_TYPE_VISA),
                critical=False,
            )
            .sign(csca_key, hashes.SHA384())
        )
        reference = certificate_reference(serial)
        self._signers_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        cert_path, key_path = self._signer_paths(signer_identifier, reference)
        _write_private(key_path, self._private_bytes(key))
        _write_public(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
        return certificate

    def init(
        self,
        *,
        issuing_country: str = DEFAULT_COUNTRY,
        signer_identifier: str = DEFAULT_SIGNER_IDENTIFIER,
        organization: str = DEFAULT_ORGANIZATION,
        now: datetime | None = None,
        csca_days: int = CSCA_DAYS,
        usage_days: int = SIGNER_USAGE_DAYS,
        document_days: int = DOCUMENT_DAYS,
    ) -> tuple[PublishedCertificate, PublishedCertificate]:
        """Create the CSCA and a first signer; return their public certificates.

        Raises :class:`KeyStoreError` when the directory already holds a store and
        :class:`ValueError` for an issuing country that is no ICAO code or a signer
        identifier that is not two letters of the country and two letters or digits.
        """
        country = issuing_country.strip().upper()
        if country not in ICAO_CODES and country not in SPECIMEN_CODES:
            raise ValueError(f"issuing country {issuing_country!r} is not an ICAO code")
        identifier = signer_identifier.strip().upper()
        if not _SIGNER_ID_RE.fullmatch(identifier):
            raise ValueError(
                f"signer identifier {signer_identifier!r} must be a 2-letter country code and "
                "2 letters or digits (e.g. SAVS)"
            )
        for days in (csca_days, usage_days, document_days):
            if days < 1:
                raise ValueError("validity periods are at least one day")
        now = (now or datetime.now(tz=UTC)).replace(microsecond=0)
        with self._locked():
            if self.exists() or (self.directory / "csca.key").exists():
                raise KeyStoreError(f"{self.directory} already holds visa keys; use rotate")
            csca_key = ec.generate_private_key(ec.SECP384R1())
            name = x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, identifier[:2]),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                    x509.NameAttribute(NameOID.COMMON_NAME, f"Masar Visa CSCA {country}"),
                ]
            )
            csca = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(csca_key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now)
                .not_valid_after(now + timedelta(days=csca_days))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(
                    x509.KeyUsage(
                        digital_signature=False,
                        content_commitment=False,
                        key_encipherment=False,
                        data_encipherment=False,
                        key_agreement=False,
                        key_cert_sign=True,
                        crl_sign=True,
                        encipher_only=False,
                        decipher_only=False,
                    ),
                    critical=True,
                )
                .add_extension(_ski(csca_key.public_key()), critical=False)
                .sign(csca_key, hashes.SHA384())
            )
            _write_private(self.directory / "csca.key", self._private_bytes(csca_key))
            _write_public(
                self.directory / "csca.pem", csca.public_bytes(serialization.Encoding.PEM)
            )
            signer = self._issue_signer(
                signer_identifier=identifier,
                csca=csca,
                csca_key=csca_key,
                now=now,
                usage_days=usage_days,
                document_days=document_days,
            )
            self._write_metadata(
                {
                    "format": STORE_FORMAT,
                    "issuing_country": country,
                    "signer_identifier": identifier,
                    "current_signer": certificate_reference(signer.serial_number),
                    "signers": [certificate_reference(signer.serial_number)],
                }
            )
        return PublishedCertificate.of(csca, "csca"), PublishedCertificate.of(
            signer, "signer", current=True
        )

    def rotate(
        self,
        *,
        now: datetime | None = None,
        usage_days: int = SIGNER_USAGE_DAYS,
        document_days: int = DOCUMENT_DAYS,
    ) -> PublishedCertificate:
        """Issue a new signer and make it current; earlier signers stay for verification.

        Needs the CSCA's private key in the store (it may live offline in between).
        """
        if usage_days < 1 or document_days < 1:
            raise ValueError("validity periods are at least one day")
        now = (now or datetime.now(tz=UTC)).replace(microsecond=0)
        with self._locked():
            metadata = self._metadata()
            csca = self._load_certificate(self.directory / "csca.pem")
            csca_key = self._load_private(self.directory / "csca.key")
            signer = self._issue_signer(
                signer_identifier=metadata["signer_identifier"],
                csca=csca,
                csca_key=csca_key,
                now=now,
                usage_days=usage_days,
                document_days=document_days,
            )
            reference = certificate_reference(signer.serial_number)
            metadata["current_signer"] = reference
            metadata["signers"] = [*metadata.get("signers", []), reference]
            self._write_metadata(metadata)
        return PublishedCertificate.of(signer, "signer", current=True)

    # --- using -----------------------------------------------------------------------------

    def current_signer(self) -> SealSigner:
        """The signer new seals are signed with (cached until the next rotation)."""
        try:
            stat = self._store_file.stat()
        except FileNotFoundError:
            raise KeyStoreError(
                f"no visa keys in {self.directory}: run `masar visa keys init`"
            ) from None
        version = (stat.st_ino, stat.st_mtime_ns)  # rotation replaces the file
        if self._signer_cache is not None and self._signer_cache[0] == version:
            return self._signer_cache[1]
        metadata = self._metadata()
        cert_path, key_path = self._signer_paths(
            metadata["signer_identifier"], metadata["current_signer"]
        )
        try:
            signer = SealSigner(
                self._load_private(key_path),
                self._load_certificate(cert_path),
                issuing_country=metadata["issuing_country"],
            )
        except SealSigningError as exc:
            raise KeyStoreError(f"{cert_path.name}: {exc}") from None
        self._signer_cache = (version, signer)
        return signer

    def published_certificates(self) -> list[PublishedCertificate]:
        """The CSCA and every signer certificate, oldest signer first (what ``/keys/`` serves)."""
        metadata = self._metadata()
        csca = self._load_certificate(self.directory / "csca.pem")
        signers = [self._load_certificate(path) for path in self._signers_dir.glob("*.pem")]
        issued = {reference: index for index, reference in enumerate(metadata.get("signers", []))}
        signers.sort(
            key=lambda cert: (
                issued.get(certificate_reference(cert.serial_number), len(issued)),
                cert.not_valid_before_utc,
            )
        )
        current = metadata["current_signer"]
        return [PublishedCertificate.of(csca, "csca")] + [
            PublishedCertificate.of(
                cert, "signer", current=certificate_reference(cert.serial_number) == current
            )
            for cert in signers
        ]

    def trust_store(self) -> TrustStore:
        """A verification trust store of the published certificates."""
        return TrustStore(
            x509.load_pem_x509_certificate(item.pem.encode())
            for item in self.published_certificates()
        )

    def export(self, directory: Path | str) -> list[Path]:
        """Write the published certificates as PEM files into ``directory`` (for offline use).

        Files are named ``csca.pem`` and ``<signer identifier>-<reference>.pem``;
        existing files of the same name are replaced.
        """
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for item in self.published_certificates():
            name = (
                "csca.pem"
                if item.kind == "csca"
                else f"{item.signer_identifier}-{item.certificate_reference}.pem"
            )
            path = target / name
            path.write_text(item.pem)
            written.append(path)
        return written


@cache
def settings_key_store() -> KeyStore:
    """The process-wide store of Django's settings, so its signer stays loaded between seals."""
    return KeyStore.from_settings()
