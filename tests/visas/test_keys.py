"""The key store: files and modes, certificate profiles, rotation, passphrase, environment."""

from __future__ import annotations

import json
import stat
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from masar.visas.keys import (
    DOCUMENT_TYPE_LIST_OID,
    KeyStore,
    KeyStoreError,
    default_keys_dir,
)
from masar.visas.seal import TrustStore, Verdict, seal_decode, seal_verify
from tests.visas.test_seal_helpers import NOW, TODAY, make_store, sign


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _cert(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def test_init_writes_the_csca_and_a_first_signer(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    csca_info, signer_info = store.init(now=NOW)
    reference = signer_info.certificate_reference
    assert reference is not None
    keys = tmp_path / "keys"
    assert sorted(_snapshot(keys)) == [
        ".lock",
        "csca.key",
        "csca.pem",
        f"signers/SAVS-{reference}.key",
        f"signers/SAVS-{reference}.pem",
        "store.json",
    ]
    assert _mode(keys) == 0o700
    assert _mode(keys / "signers") == 0o700
    assert _mode(keys / "csca.key") == _mode(keys / "signers" / f"SAVS-{reference}.key") == 0o600
    assert _mode(keys / "csca.pem") == 0o644
    assert json.loads((keys / "store.json").read_text()) == {
        "format": "masar-visa-keys/1",
        "issuing_country": "SAU",
        "signer_identifier": "SAVS",
        "current_signer": reference,
        "signers": [reference],
    }
    assert b"BEGIN PRIVATE KEY" in (keys / "csca.key").read_bytes()  # no passphrase: plain

    csca = _cert(csca_info.pem)
    assert csca_info.kind == "csca" and csca_info.signer_identifier is None
    assert csca.subject.rfc4514_string() == (
        "CN=Masar Visa CSCA SAU,O=Ministry of Hajj and Umrah,C=SA"
    )
    assert csca.issuer == csca.subject
    assert isinstance(csca.public_key(), ec.EllipticCurvePublicKey)
    assert csca.public_key().curve.name == "secp384r1"  # type: ignore[union-attr]
    constraints = csca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert (constraints.critical, constraints.value.ca, constraints.value.path_length) == (
        True,
        True,
        0,
    )
    usage = csca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert (usage.key_cert_sign, usage.crl_sign, usage.digital_signature) == (True, True, False)
    assert csca.not_valid_before_utc == NOW
    assert csca.not_valid_after_utc == NOW + timedelta(days=3650)

    signer = _cert(signer_info.pem)
    assert (signer_info.kind, signer_info.signer_identifier, signer_info.current) == (
        "signer",
        "SAVS",
        True,
    )
    assert signer.subject.rfc4514_string() == "CN=VS,C=SA"
    assert signer.issuer == csca.subject
    assert 0x10000000 <= signer.serial_number <= 0x7FFFFFFF
    assert reference == f"{signer.serial_number:X}" and len(reference) == 8
    assert signer.public_key().curve.name == "secp256r1"  # type: ignore[union-attr]
    signer.verify_directly_issued_by(csca)
    assert signer.signature_hash_algorithm is not None
    assert signer.signature_hash_algorithm.name == "sha384"
    usage = signer.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and not usage.value.key_cert_sign
    period = signer.extensions.get_extension_for_class(x509.PrivateKeyUsagePeriod).value
    assert (period.not_before, period.not_after) == (
        NOW.replace(tzinfo=None),
        (NOW + timedelta(days=365)).replace(tzinfo=None),
    )
    assert signer.not_valid_after_utc == NOW + timedelta(days=730)
    assert signer_info.key_usage_until == NOW + timedelta(days=365)
    aki = signer.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = csca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    doc_types = signer.extensions.get_extension_for_oid(DOCUMENT_TYPE_LIST_OID).value
    assert doc_types.value == bytes.fromhex("30080201003103130156")  # version 0, {"V"}
    assert signer_info.fingerprint_sha256 == signer.fingerprint(hashes.SHA256()).hex()


def test_init_twice_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    before = _snapshot(tmp_path)
    with pytest.raises(KeyStoreError, match="already holds visa keys"):
        KeyStore(tmp_path).init(now=NOW)
    assert _snapshot(tmp_path) == before
    assert store.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"issuing_country": "XYZ"}, "not an ICAO code"),
        ({"signer_identifier": "S1VS"}, "2-letter country code"),
        ({"signer_identifier": "SAVSX"}, "2-letter country code"),
        ({"usage_days": 0}, "at least one day"),
    ],
)
def test_bad_init_options_create_nothing(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        KeyStore(tmp_path / "keys").init(now=NOW, **options)  # type: ignore[arg-type]
    assert not (tmp_path / "keys").exists()


def test_options_choose_the_country_signer_and_periods(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    csca, signer = store.init(
        issuing_country="idn",
        signer_identifier="idv1",
        organization="Example",
        now=NOW,
        csca_days=100,
        usage_days=30,
        document_days=90,
    )
    assert csca.subject == "CN=Masar Visa CSCA IDN,O=Example,C=ID"
    assert (signer.signer_identifier, signer.subject) == ("IDV1", "CN=V1,C=ID")
    assert signer.key_usage_until == NOW + timedelta(days=30)
    # The signer's certificate never outlives its CSCA.
    assert signer.not_after == csca.not_after == NOW + timedelta(days=100)
    seal = sign(store.current_signer())
    assert seal_decode(seal).header.issuing_country == "IDN"


def test_rotation_keeps_old_signers_for_verification(tmp_path: Path) -> None:
    store = make_store(tmp_path / "keys")
    old = store.current_signer()
    before_rotation = TrustStore.from_directory(
        store.export(tmp_path / "published-before")[0].parent
    )
    old_seal = sign(old)

    new_info = store.rotate(now=NOW + timedelta(days=300))
    new = store.current_signer()
    assert new.certificate_reference == new_info.certificate_reference
    assert new.certificate_reference != old.certificate_reference
    assert new.signer_identifier == old.signer_identifier == "SAVS"
    assert new.validity.key_usage_from == date(2026, 3, 28)
    published = store.published_certificates()
    assert [(p.kind, p.certificate_reference, p.current) for p in published] == [
        ("csca", None, False),
        ("signer", old.certificate_reference, False),
        ("signer", new.certificate_reference, True),
    ]
    assert (tmp_path / "keys" / "signers" / f"SAVS-{old.certificate_reference}.key").exists()

    trust = TrustStore.from_directory(store.export(tmp_path / "published")[0].parent)
    new_day = date(2026, 3, 28)  # 300 days after NOW
    new_seal = sign(new, on=new_day)
    assert seal_decode(new_seal).header.certificate_reference == new.certificate_reference
    assert seal_verify(old_seal, trust=trust, today=TODAY).verdict is Verdict.VALID
    assert seal_verify(new_seal, trust=trust, today=TODAY).verdict is Verdict.VALID
    # A verifier that kept the certificates from before the rotation must fetch them again.
    stale = seal_verify(new_seal, trust=before_rotation, today=TODAY)
    assert (stale.verdict, stale.reason) == (Verdict.UNKNOWN_SIGNER, "signer_not_published")


def test_a_rotation_elsewhere_is_picked_up_by_the_cached_signer(tmp_path: Path) -> None:
    web = make_store(tmp_path)
    first = web.current_signer()
    assert web.current_signer() is first  # loaded once
    KeyStore(tmp_path).rotate(now=NOW + timedelta(days=1))  # the operator's process
    second = web.current_signer()
    assert second.certificate_reference != first.certificate_reference
    assert web.current_signer() is second


def test_rotations_at_the_same_moment_do_not_trample_each_other(tmp_path: Path) -> None:
    make_store(tmp_path)
    issued: list[str | None] = []
    errors: list[BaseException] = []

    def rotate() -> None:
        try:
            issued.append(KeyStore(tmp_path).rotate(now=NOW).certificate_reference)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=rotate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    published = KeyStore(tmp_path).published_certificates()
    references = [p.certificate_reference for p in published if p.kind == "signer"]
    assert len(references) == len(set(references)) == 5
    assert set(issued) < set(references)
    current = [p.certificate_reference for p in published if p.current]
    assert len(current) == 1 and current[0] in issued
    assert KeyStore(tmp_path).current_signer().certificate_reference == current[0]


def test_a_passphrase_encrypts_the_private_keys(tmp_path: Path) -> None:
    make_store(tmp_path, passphrase="correct horse battery staple")
    key_files = list(tmp_path.rglob("*.key"))
    assert len(key_files) == 2
    assert all(b"BEGIN ENCRYPTED PRIVATE KEY" in p.read_bytes() for p in key_files)
    with pytest.raises(KeyStoreError, match="encrypted: set MASAR_KEYS_PASSPHRASE"):
        KeyStore(tmp_path).current_signer()
    with pytest.raises(KeyStoreError, match="cannot decrypt"):
        KeyStore(tmp_path, passphrase="wrong").current_signer()
    with pytest.raises(KeyStoreError, match="cannot decrypt"):
        KeyStore(tmp_path, passphrase="wrong").rotate(now=NOW)
    assert len(list(tmp_path.rglob("*.key"))) == 2
    signer = KeyStore(tmp_path, passphrase="correct horse battery staple").current_signer()
    assert signer.signer_identifier == "SAVS"


def test_a_store_without_passphrase_still_loads_when_one_is_set(tmp_path: Path) -> None:
    make_store(tmp_path)
    assert KeyStore(tmp_path, passphrase="later").current_signer().signer_identifier == "SAVS"


def test_a_private_key_others_can_read_is_refused(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    key = next((tmp_path / "signers").glob("*.key"))
    key.chmod(0o640)
    with pytest.raises(KeyStoreError, match="chmod 600"):
        store.current_signer()
    key.chmod(0o600)
    assert store.current_signer().signer_identifier == "SAVS"


def test_rotation_needs_the_csca_key_and_changes_nothing_without_it(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    (tmp_path / "csca.key").rename(tmp_path.parent / f"{tmp_path.name}-csca-offline.key")
    before = _snapshot(tmp_path)
    with pytest.raises(KeyStoreError, match="csca.key is missing"):
        store.rotate(now=NOW)
    assert _snapshot(tmp_path) == before


def test_no_signer_after_the_csca_has_expired(tmp_path: Path) -> None:
    store = make_store(tmp_path, csca_days=10)
    with pytest.raises(KeyStoreError, match="CSCA certificate has expired"):
        store.rotate(now=NOW + timedelta(days=10))
    assert len(store.published_certificates()) == 2


def test_an_empty_or_broken_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="run `masar visa keys init`"):
        KeyStore(tmp_path).current_signer()
    with pytest.raises(KeyStoreError, match="run `masar visa keys init`"):
        KeyStore(tmp_path).published_certificates()
    (tmp_path / "store.json").write_text("{}")
    with pytest.raises(KeyStoreError, match="not a Masar key store"):
        KeyStore(tmp_path).current_signer()
    (tmp_path / "store.json").write_text("{")
    with pytest.raises(KeyStoreError, match="cannot read"):
        KeyStore(tmp_path).rotate(now=NOW)


def test_published_certificates_serve_pem_and_identifiers(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    csca, signer = store.published_certificates()
    data = signer.to_dict()
    assert set(data) == {
        "kind",
        "signer_identifier",
        "certificate_reference",
        "subject",
        "not_before",
        "not_after",
        "key_usage_until",
        "current",
        "fingerprint_sha256",
        "pem",
    }
    assert data["not_before"] == "2025-06-01T09:00:00+00:00"
    assert data["key_usage_until"] == "2026-06-01T09:00:00+00:00"
    assert _cert(signer.pem) == x509.load_der_x509_certificate(signer.der)
    assert csca.to_dict()["key_usage_until"] is None
    exported = store.export(tmp_path / "out")
    assert [p.name for p in exported] == [
        "csca.pem",
        f"SAVS-{signer.certificate_reference}.pem",
    ]
    assert not list((tmp_path / "out").glob("*.key"))
    assert len(store.trust_store().signers) == 1


def test_the_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MASAR_KEYS_DIR", raising=False)
    assert default_keys_dir().name == "keys"
    assert default_keys_dir().parent.name == "var"
    monkeypatch.setenv("MASAR_KEYS_DIR", str(tmp_path / "env-keys"))
    monkeypatch.setenv("MASAR_KEYS_PASSPHRASE", "from the environment")
    store = KeyStore.from_environment()
    assert store.directory == tmp_path / "env-keys"
    store.init(now=NOW)
    assert b"ENCRYPTED" in (tmp_path / "env-keys" / "csca.key").read_bytes()
    assert KeyStore.from_environment(tmp_path / "other").directory == tmp_path / "other"


def test_the_settings_hook_reads_django_settings(tmp_path: Path, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("MASAR_KEYS_PASSPHRASE", raising=False)
    settings.MASAR_KEYS_DIR = tmp_path / "from-settings"
    settings.MASAR_KEYS_PASSPHRASE = "from settings"
    store = KeyStore.from_settings()
    assert store.directory == tmp_path / "from-settings"
    store.init(now=NOW)
    with pytest.raises(KeyStoreError, match="encrypted"):
        KeyStore(tmp_path / "from-settings").current_signer()
    assert KeyStore.from_settings().current_signer().signer_identifier == "SAVS"


def test_the_csca_certificate_names_the_signer_country(tmp_path: Path) -> None:
    csca, _ = KeyStore(tmp_path).init(now=NOW)
    country = _cert(csca.pem).subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
    assert country == "SA"
