"""Offline verification: the verdicts, tampering, foreign signers, and every input form."""

from __future__ import annotations

import base64
import shutil
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from masar.visas.keys import KeyStore
from masar.visas.seal import (
    RevokedVisa,
    SealHeader,
    SealSigner,
    TrustStore,
    TrustStoreError,
    Verdict,
    revocation_list_build,
    revocation_list_load,
    seal_decode,
    seal_verify,
)
from masar.visas.seal.profile import features_encode
from masar.visas.seal.tlv import tlv
from tests.visas.test_seal_helpers import NOW, TODAY, VALID_UNTIL, make_store, sign, visa_features


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KeyStore:
    return make_store(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def published(store: KeyStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The certificates as an agency receives them: PEM files, no private key."""
    return Path(store.export(tmp_path_factory.mktemp("published"))[0].parent)


@pytest.fixture(scope="module")
def trust(published: Path) -> TrustStore:
    return TrustStore.from_directory(published)


@pytest.fixture(scope="module")
def seal(store: KeyStore) -> bytes:
    return sign(store.current_signer())


@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> KeyStore:
    """Another state's keys: a CSCA of its own and a signer with the same kind of identifier."""
    return make_store(tmp_path_factory.mktemp("foreign"), signer_identifier="SAVS")


def test_a_seal_verifies_offline_with_only_the_published_certificates(
    published: Path, trust: TrustStore, seal: bytes, store: KeyStore
) -> None:
    signer = store.current_signer()
    assert sorted(p.suffix for p in published.iterdir()) == [".pem", ".pem"]
    result = seal_verify(seal, trust=trust, today=TODAY)
    assert (result.verdict, result.reason, result.valid) == (Verdict.VALID, "valid", True)
    data = result.to_dict()
    assert data["verdict"] == "valid"
    assert data["checked_on"] == "2025-06-01"
    assert data["visa"] == {
        "visa_number": "U25000001234",
        "valid_from": "2025-06-01",
        "valid_until": "2025-08-30",
        "passport_number": "C1234567",
        "number_of_entries": 1,
        "duration_of_stay": {"days": 90, "months": 0, "years": 0},
        "visa_type": 1,
        "mrz_format": "MRV-A",
        "mrz": [
            "V<SAUHASANAH<<SITI<NUR<<<<<<<<<<<<<<<<<<<<<<",
            "C1234567<0IDN8002033F2508304<<<<<<<<<<<<<<<<",
        ],
        "unknown_features": [],
        "holder": {
            "surname": "HASANAH",
            "given_names": "SITI NUR",
            "nationality": "IDN",
            "birth_date": "1980-02-03",
            "sex": "F",
            "document_number": "C1234567",
            "issuing_state": "SAU",
            "mrz_valid_until": "2025-08-30",
            "mrz_errors": [],
        },
    }
    assert data["header"] == {
        "version": 4,
        "issuing_country": "SAU",
        "signer_identifier": "SAVS",
        "certificate_reference": signer.certificate_reference,
        "document_issue_date": "2025-06-01",
        "signature_date": "2025-06-01",
        "feature_definition_reference": 0x5D,
        "document_type_category": 0x01,
    }
    assert data["signer"]["certificate_reference"] == signer.certificate_reference
    assert data["signer"]["subject"] == "CN=VS,C=SA"
    assert (data["revoked_at"], data["revocation_list"]) == (None, None)


def _verdict_after_change(seal: bytes, trust: TrustStore, position: int, value: int) -> Verdict:
    tampered = bytearray(seal)
    tampered[position] = value
    return seal_verify(bytes(tampered), trust=trust, today=TODAY).verdict


@settings(max_examples=2000)
@given(data=st.data())
def test_a_changed_byte_is_never_valid(data: st.DataObject, seal: bytes, trust: TrustStore) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(seal) - 1))
    value = data.draw(st.integers(min_value=0, max_value=255).filter(lambda v: v != seal[position]))
    assert _verdict_after_change(seal, trust, position, value) in {
        Verdict.MALFORMED,
        Verdict.BAD_SIGNATURE,
        Verdict.UNKNOWN_SIGNER,
    }


def test_every_byte_replaced_by_every_other_value_is_detected(
    seal: bytes, trust: TrustStore
) -> None:
    """All 255 replacements at all positions: none is valid; in r||s each is a bad signature."""
    signature_start = len(seal) - 64
    verdicts: Counter[Verdict] = Counter()
    for position in range(len(seal)):
        for value in range(256):
            if value == seal[position]:
                continue
            verdict = _verdict_after_change(seal, trust, position, value)
            verdicts[verdict] += 1
            if position >= signature_start:
                assert verdict is Verdict.BAD_SIGNATURE, (position, value)
    assert verdicts[Verdict.VALID] == 0
    assert sum(verdicts.values()) == len(seal) * 255
    assert set(verdicts) == {Verdict.MALFORMED, Verdict.BAD_SIGNATURE, Verdict.UNKNOWN_SIGNER}


def test_cut_or_lengthened_seals_are_malformed(seal: bytes, trust: TrustStore) -> None:
    for changed, reason in [
        (seal[:-1], "truncated"),
        (seal + b"\x00", "trailing_bytes"),
        (seal[: len(seal) - 66], "signature_zone"),
        (b"", "empty"),
        (b"\x00" * 40, "encoding"),
        (b"not a seal at all", "encoding"),
        (base64.b64encode(b"\xdb" + seal[1:]), "magic"),
    ]:
        result = seal_verify(changed, trust=trust, today=TODAY)
        assert (result.verdict, result.reason) == (Verdict.MALFORMED, reason)
        assert result.seal is None
        assert result.to_dict()["visa"] is None


def test_a_revoked_visa_is_revoked(store: KeyStore, trust: TrustStore, seal: bytes) -> None:
    revoked_at = datetime(2025, 6, 1, 7, 30, tzinfo=UTC)
    signer = store.current_signer()
    listing = revocation_list_load(
        revocation_list_build(
            [RevokedVisa("U25000001234", revoked_at), RevokedVisa("U25000009999", revoked_at)],
            signer=signer,
            issued_at=NOW,
            next_update=NOW + timedelta(days=1),
        ),
        trust=trust,
    )
    result = seal_verify(seal, trust=trust, revocations=listing, today=TODAY)
    assert (result.verdict, result.reason) == (Verdict.REVOKED, "visa_revoked")
    assert result.to_dict()["revoked_at"] == "2025-06-01T07:30:00+00:00"
    assert result.to_dict()["revocation_list"] == {
        "issued_at": "2025-06-01T09:00:00+00:00",
        "next_update": "2025-06-02T09:00:00+00:00",
        "entries": 2,
    }
    other = sign(signer, visa_features(visa_number="U25000000001"))
    assert (
        seal_verify(other, trust=trust, revocations=listing, today=TODAY).verdict is Verdict.VALID
    )


def test_a_signer_of_another_csca_is_unknown(
    foreign: KeyStore, published: Path, trust: TrustStore, tmp_path: Path
) -> None:
    forged = sign(foreign.current_signer())
    result = seal_verify(forged, trust=trust, today=TODAY)
    assert (result.verdict, result.reason) == (Verdict.UNKNOWN_SIGNER, "signer_not_published")
    assert result.signer is None

    # The foreign signer's certificate slipped in among the published ones, without its CSCA.
    certs = tmp_path / "certs"
    shutil.copytree(published, certs)
    foreign_signer = [c for c in foreign.published_certificates() if c.kind == "signer"][0]
    (certs / "foreign.pem").write_text(foreign_signer.pem)
    result = seal_verify(forged, trust=TrustStore.from_directory(certs), today=TODAY)
    assert (result.verdict, result.reason) == (Verdict.UNKNOWN_SIGNER, "signer_not_chained")


def _rogue_pair(store: KeyStore) -> tuple[SealSigner, x509.Certificate]:
    """A rogue CSCA with the genuine CSCA's name, and a signer with the genuine identifiers."""
    genuine = store.current_signer()
    csca_name = store.published_certificates()[0]
    name = x509.load_pem_x509_certificate(csca_name.pem.encode()).subject
    csca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(genuine.certificate.subject)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(genuine.certificate.serial_number)
        .not_valid_before(NOW)
        .not_valid_after(NOW + timedelta(days=30))
        .sign(csca_key, hashes.SHA256())
    )
    return SealSigner(key, certificate, issuing_country="SAU"), certificate


def test_a_rogue_signer_with_the_genuine_identifiers_is_a_bad_signature(
    store: KeyStore, published: Path, trust: TrustStore, tmp_path: Path
) -> None:
    rogue, rogue_cert = _rogue_pair(store)
    assert (rogue.signer_identifier, rogue.certificate_reference) == (
        store.current_signer().signer_identifier,
        store.current_signer().certificate_reference,
    )
    forged = sign(rogue)
    assert seal_verify(forged, trust=trust, today=TODAY).verdict is Verdict.BAD_SIGNATURE
    certs = tmp_path / "certs"
    shutil.copytree(published, certs)
    (certs / "rogue.pem").write_bytes(rogue_cert.public_bytes(serialization.Encoding.PEM))
    assert TrustStore.from_directory(certs).signers_for(
        rogue.signer_identifier, rogue.certificate_reference
    ) == (trust.signers_for(rogue.signer_identifier, rogue.certificate_reference))
    result = seal_verify(forged, trust=TrustStore.from_directory(certs), today=TODAY)
    assert result.verdict is Verdict.BAD_SIGNATURE


def test_a_visa_past_its_validity_has_expired(seal: bytes, trust: TrustStore) -> None:
    assert seal_verify(seal, trust=trust, today=VALID_UNTIL).verdict is Verdict.VALID
    result = seal_verify(seal, trust=trust, today=VALID_UNTIL + timedelta(days=1))
    assert (result.verdict, result.reason) == (Verdict.EXPIRED, "visa_expired")
    assert result.message == "the visa was valid until 2025-08-30"
    assert result.signer is not None  # authentic, only out of date


def _hand_made_seal(signer: SealSigner, message: bytes, *, signed_on: date) -> bytes:
    """A seal built without seal_build's checks, as a careless or hostile signer could."""
    header = SealHeader(
        issuing_country="SAU",
        signer_identifier=signer.signer_identifier,
        certificate_reference=signer.certificate_reference,
        document_issue_date=signed_on,
        signature_date=signed_on,
        feature_definition_reference=0x5D,
        document_type_category=0x01,
    ).encode()
    return header + message + tlv(0xFF, signer.sign(header + message))


def test_a_seal_signed_outside_the_signer_validity_has_expired(tmp_path: Path) -> None:
    store = make_store(tmp_path / "keys", usage_days=10, document_days=10)
    trust = store.trust_store()
    signer = store.current_signer()
    message = features_encode(visa_features())
    for signed_on in (date(2025, 5, 31), date(2025, 6, 12), date(2025, 6, 25)):
        result = seal_verify(
            _hand_made_seal(signer, message, signed_on=signed_on), trust=trust, today=TODAY
        )
        assert (result.verdict, result.reason) == (Verdict.EXPIRED, "signer_not_valid_at_signing")
    within = _hand_made_seal(signer, message, signed_on=date(2025, 6, 11))
    assert seal_verify(within, trust=trust, today=TODAY).verdict is Verdict.VALID


def test_without_masar_fields_the_mrz_date_decides_expiry(
    store: KeyStore, trust: TrustStore
) -> None:
    message = features_encode(visa_features())
    without_additional = message[: message.index(b"\x07\x14")]
    seal = _hand_made_seal(store.current_signer(), without_additional, signed_on=TODAY)
    decoded = seal_decode(seal)
    assert decoded.features.visa_number is None
    assert seal_verify(seal, trust=trust, today=VALID_UNTIL).verdict is Verdict.VALID
    late = seal_verify(seal, trust=trust, today=VALID_UNTIL + timedelta(days=1))
    assert (late.verdict, late.reason) == (Verdict.EXPIRED, "visa_expired")


def test_a_signature_of_the_wrong_size_is_bad(
    store: KeyStore, trust: TrustStore, seal: bytes
) -> None:
    short = seal[: len(seal) - 66] + tlv(0xFF, seal[-64:-8])
    assert seal_verify(short, trust=trust, today=TODAY).verdict is Verdict.BAD_SIGNATURE


def test_every_input_form_of_the_same_seal_verifies(seal: bytes, trust: TrustStore) -> None:
    scanner_text = seal.decode("latin-1")
    forms: list[bytes | str] = [
        seal,
        scanner_text,
        scanner_text.encode("utf-8"),  # scanner text saved to a file
        base64.b64encode(seal),
        base64.b64encode(seal).decode() + "\n",
        base64.b64encode(seal).rstrip(b"="),
        base64.urlsafe_b64encode(seal).rstrip(b"="),
        seal.hex(),
        " ".join(seal.hex()[i : i + 2] for i in range(0, len(seal) * 2, 2)).upper(),
        "\n".join(base64.b64encode(seal).decode()[i : i + 64] for i in range(0, 300, 64)),
    ]
    for form in forms:
        assert seal_verify(form, trust=trust, today=TODAY).verdict is Verdict.VALID, form


def test_a_certificate_directory_without_a_csca_or_with_junk_is_refused(
    store: KeyStore, published: Path, tmp_path: Path
) -> None:
    with pytest.raises(TrustStoreError, match="not a directory"):
        TrustStore.from_directory(tmp_path / "missing")
    only_signers = tmp_path / "signers"
    shutil.copytree(published, only_signers)
    (only_signers / "csca.pem").unlink()
    with pytest.raises(TrustStoreError, match="no CSCA certificate"):
        TrustStore.from_directory(only_signers)
    junk = tmp_path / "junk"
    shutil.copytree(published, junk)
    (junk / "notes.pem").write_text("hello")
    with pytest.raises(TrustStoreError, match="notes.pem is not a certificate"):
        TrustStore.from_directory(junk)
    (junk / "notes.pem").unlink()
    (junk / "README.txt").write_text("ignored: not a certificate file name")
    der = x509.load_pem_x509_certificate(store.published_certificates()[1].pem.encode())
    (junk / "signer.der").write_bytes(der.public_bytes(serialization.Encoding.DER))
    assert len(TrustStore.from_directory(junk).signers) == 1
    bundle = b"".join(item.pem.encode() for item in store.published_certificates())
    assert len(TrustStore.from_pem(bundle).signers) == 1
    with pytest.raises(TrustStoreError):
        TrustStore.from_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")


def test_to_dict_of_a_decoded_seal_is_passed_through(seal: bytes, trust: TrustStore) -> None:
    decoded = seal_decode(seal)
    assert seal_verify(decoded, trust=trust, today=TODAY).seal is decoded
    assert replace(decoded.features, visa_number="X") != decoded.features
