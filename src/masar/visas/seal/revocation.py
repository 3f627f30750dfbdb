"""The signed visa revocation list: a JSON file a verifier can use offline (ADR 0054).

::

    {
      "format": "masar-visa-revocations/1",
      "issuing_country": "SAU",
      "issued_at": "2025-06-01T09:00:00Z",
      "next_update": "2025-06-02T09:00:00Z",
      "signer": {"signer_identifier": "SAVS", "certificate_reference": "5A1C0F3E"},
      "revoked": [{"visa_number": "U2500001234", "revoked_at": "2025-05-31T17:02:11Z"}],
      "signature": "<base64 of the raw r||s ECDSA P-256 / SHA-256 signature>"
    }

The signature covers the UTF-8 bytes of the document without its ``signature``
member in the JSON Canonicalization Scheme (RFC 8785): keys sorted, no
whitespace. Every value is an ASCII string, so the canonical form is the
output of ``json.dumps(..., sort_keys=True, separators=(",", ":"))``. The signer
is a seal signer whose certificate chains to the published CSCA, as for seals.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from masar.visas.seal.dates import kingdom_date
from masar.visas.seal.signing import SealSigner
from masar.visas.seal.verify import TrustStore, signature_matches

FORMAT: Final = "masar-visa-revocations/1"
_NUMBER_RE: Final = re.compile(r"[A-Z0-9]{1,60}")
_TIME_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_KEYS: Final = {
    "format",
    "issuing_country",
    "issued_at",
    "next_update",
    "signer",
    "revoked",
    "signature",
}


class RevocationListError(ValueError):
    """The file is not a revocation list, or its signature or signer is not trusted."""


@dataclass(frozen=True, slots=True)
class RevokedVisa:
    """One revoked visa and when it was revoked (UTC)."""

    visa_number: str
    revoked_at: datetime


@dataclass(frozen=True, slots=True)
class RevocationList:
    """A verified revocation list, indexed by visa number."""

    issuing_country: str
    issued_at: datetime
    next_update: datetime | None
    signer_identifier: str
    certificate_reference: str
    entries: tuple[RevokedVisa, ...]
    _index: dict[str, RevokedVisa] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._index.update((entry.visa_number, entry) for entry in self.entries)

    def lookup(self, issuing_country: str, visa_number: str) -> RevokedVisa | None:
        """The entry revoking ``visa_number`` of ``issuing_country``, if any."""
        if issuing_country != self.issuing_country:
            return None
        return self._index.get(visa_number)

    def is_stale(self, moment: datetime) -> bool:
        """Whether a newer list should have been published by ``moment``."""
        return self.next_update is not None and moment > self.next_update


def _time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("revocation list times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: object, what: str) -> datetime:
    if not isinstance(value, str) or not _TIME_RE.fullmatch(value):
        raise RevocationListError(f"{what} must be a UTC time like 2025-06-01T09:00:00Z")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise RevocationListError(f"{what} {value!r} is not a time") from None


def canonical_bytes(document: dict[str, Any]) -> bytes:
    """RFC 8785 canonical JSON of ``document`` without its signature (ASCII values only)."""
    unsigned = {key: value for key, value in document.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def revocation_list_build(
    revoked: Iterable[RevokedVisa],
    *,
    signer: SealSigner,
    issued_at: datetime,
    next_update: datetime | None = None,
) -> bytes:
    """A signed revocation list of ``revoked`` visas, as UTF-8 JSON bytes.

    Entries are sorted by visa number; a number given twice keeps its earliest
    revocation. Raises :class:`ValueError` for a visa number that is not 1 to 60
    letters and digits or a naive time, and
    :class:`~masar.visas.seal.signing.SealSigningError` when the signer's key may
    not sign on the day of ``issued_at``.
    """
    issued = _time(issued_at)  # refuses a naive time before it is read as local time
    signer.check_usable(kingdom_date(issued_at))
    earliest: dict[str, RevokedVisa] = {}
    for entry in revoked:
        if not _NUMBER_RE.fullmatch(entry.visa_number):
            raise ValueError(
                f"visa number {entry.visa_number!r} must be 1 to 60 letters and digits"
            )
        known = earliest.get(entry.visa_number)
        if known is None or entry.revoked_at < known.revoked_at:
            earliest[entry.visa_number] = entry
    document: dict[str, Any] = {
        "format": FORMAT,
        "issuing_country": signer.issuing_country,
        "issued_at": issued,
        "next_update": _time(next_update) if next_update is not None else None,
        "signer": {
            "signer_identifier": signer.signer_identifier,
            "certificate_reference": signer.certificate_reference,
        },
        "revoked": [
            {"visa_number": number, "revoked_at": _time(earliest[number].revoked_at)}
            for number in sorted(earliest)
        ],
    }
    if next_update is None:
        del document["next_update"]
    document["signature"] = base64.b64encode(signer.sign(canonical_bytes(document))).decode()
    return (json.dumps(document, indent=1, sort_keys=True) + "\n").encode()


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise RevocationListError("a key appears twice in the revocation list")
    return dict(pairs)


def _entries(value: object) -> tuple[RevokedVisa, ...]:
    if not isinstance(value, list):
        raise RevocationListError("revoked must be a list")
    entries: list[RevokedVisa] = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"visa_number", "revoked_at"}:
            raise RevocationListError("each revoked entry has visa_number and revoked_at")
        number = item["visa_number"]
        if not isinstance(number, str) or not _NUMBER_RE.fullmatch(number):
            raise RevocationListError(f"visa number {number!r} is not 1 to 60 letters and digits")
        entries.append(RevokedVisa(number, _parse_time(item["revoked_at"], "revoked_at")))
    return tuple(entries)


def revocation_list_load(data: bytes, *, trust: TrustStore) -> RevocationList:
    """Read and verify a revocation list against the published certificates.

    Raises :class:`RevocationListError` when ``data`` is not a revocation list,
    the signer is not a trusted signer, its certificate did not cover the day
    of issue, or the signature does not match.
    """
    try:
        document = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RevocationListError("the revocation list is not JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RevocationListError(f"not a revocation list ({FORMAT})")
    if not set(document) <= _KEYS or not _KEYS - {"next_update"} <= set(document):
        raise RevocationListError(f"a revocation list has the members {sorted(_KEYS)}")
    signer_ref = document["signer"]
    if not isinstance(signer_ref, dict) or set(signer_ref) != {
        "signer_identifier",
        "certificate_reference",
    }:
        raise RevocationListError("signer has signer_identifier and certificate_reference")
    identifier, reference = signer_ref["signer_identifier"], signer_ref["certificate_reference"]
    country = document["issuing_country"]
    if not all(isinstance(v, str) for v in (identifier, reference, country)):
        raise RevocationListError("issuing_country and the signer's identifiers are strings")
    issued_at = _parse_time(document["issued_at"], "issued_at")
    next_update = (
        _parse_time(document["next_update"], "next_update") if "next_update" in document else None
    )
    entries = _entries(document["revoked"])
    try:
        signature = base64.b64decode(str(document["signature"]), validate=True)
    except (binascii.Error, ValueError):
        raise RevocationListError("the signature is not base64") from None
    signed = canonical_bytes(document)
    signer = next(
        (
            s
            for s in trust.signers_for(identifier, reference)
            if signature_matches(s, signature, signed)
        ),
        None,
    )
    if signer is None:
        raise RevocationListError(
            f"the signature of signer {identifier} {reference} does not verify against the "
            "published certificates"
        )
    if not signer.validity.key_usable(kingdom_date(issued_at)):
        raise RevocationListError(f"signer {identifier} {reference} could not sign on {issued_at}")
    return RevocationList(
        issuing_country=country,
        issued_at=issued_at,
        next_update=next_update,
        signer_identifier=identifier,
        certificate_reference=reference,
        entries=entries,
    )
