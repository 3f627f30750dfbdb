"""The signed revocation list: build, load, and every way a list can be refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from masar.visas.keys import KeyStore
from masar.visas.seal import (
    RevocationListError,
    RevokedVisa,
    SealSigningError,
    TrustStore,
    revocation_list_build,
    revocation_list_load,
)
from masar.visas.seal.revocation import canonical_bytes
from tests.visas.test_seal_helpers import NOW, make_store

EARLY = datetime(2025, 5, 30, 8, 0, tzinfo=UTC)
LATE = datetime(2025, 5, 31, 16, 45, 12, 999, tzinfo=UTC)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KeyStore:
    return make_store(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def trust(store: KeyStore) -> TrustStore:
    return store.trust_store()


@pytest.fixture
def listing(store: KeyStore) -> bytes:
    return revocation_list_build(
        [RevokedVisa("U3", LATE), RevokedVisa("U1", LATE), RevokedVisa("U1", EARLY)],
        signer=store.current_signer(),
        issued_at=NOW,
        next_update=NOW + timedelta(hours=24),
    )


def test_a_list_is_sorted_json_with_the_earliest_revocation_of_each_visa(
    listing: bytes, store: KeyStore, trust: TrustStore
) -> None:
    document = json.loads(listing)
    signer = store.current_signer()
    assert {k: v for k, v in document.items() if k != "signature"} == {
        "format": "masar-visa-revocations/1",
        "issuing_country": "SAU",
        "issued_at": "2025-06-01T09:00:00Z",
        "next_update": "2025-06-02T09:00:00Z",
        "signer": {
            "signer_identifier": "SAVS",
            "certificate_reference": signer.certificate_reference,
        },
        "revoked": [
            {"visa_number": "U1", "revoked_at": "2025-05-30T08:00:00Z"},
            {"visa_number": "U3", "revoked_at": "2025-05-31T16:45:12Z"},
        ],
    }
    loaded = revocation_list_load(listing, trust=trust)
    assert loaded.entries == (
        RevokedVisa("U1", EARLY),
        RevokedVisa("U3", LATE.replace(microsecond=0)),
    )
    assert (loaded.issued_at, loaded.next_update) == (NOW, NOW + timedelta(hours=24))
    assert loaded.lookup("SAU", "U1") == RevokedVisa("U1", EARLY)
    assert loaded.lookup("SAU", "U2") is None
    assert loaded.lookup("IDN", "U1") is None  # another state's visa of the same number
    assert not loaded.is_stale(NOW + timedelta(hours=24))
    assert loaded.is_stale(NOW + timedelta(hours=24, seconds=1))


def test_the_signature_covers_the_canonical_json(listing: bytes, store: KeyStore) -> None:
    document = json.loads(listing)
    assert canonical_bytes(document).startswith(b'{"format":"masar-visa-revocations/1","issued_at"')
    assert b" " not in canonical_bytes(document)
    # Re-indenting the file changes nothing that is signed.
    assert revocation_list_load(json.dumps(document).encode(), trust=store.trust_store())


def _changed(listing: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    document = json.loads(listing)
    change(document)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["revoked"].pop(), "does not verify"),
        (lambda d: d["revoked"][0].update(visa_number="U2"), "does not verify"),
        (lambda d: d.update(issued_at="2025-06-01T09:00:01Z"), "does not verify"),
        (lambda d: d.update(next_update="2099-01-01T00:00:00Z"), "does not verify"),
        (lambda d: d.pop("next_update"), "does not verify"),
        (lambda d: d.update(signature="AAAA"), "does not verify"),
        (lambda d: d.update(signature="not base64!"), "not base64"),
        (lambda d: d["signer"].update(certificate_reference="1"), "does not verify"),
        (lambda d: d.update(format="something-else/1"), "not a revocation list"),
        (lambda d: d.update(extra="x"), "has the members"),
        (lambda d: d.pop("signer"), "has the members"),
        (lambda d: d.update(signer="SAVS"), "signer has"),
        (lambda d: d.update(issuing_country=7), "are strings"),
        (lambda d: d.update(issued_at="2025-06-01 09:00"), "UTC time"),
        (lambda d: d.update(issued_at="2025-13-01T09:00:00Z"), "is not a time"),
        (lambda d: d.update(revoked={}), "revoked must be a list"),
        (lambda d: d["revoked"].append({"visa_number": "U9"}), "each revoked entry"),
        (lambda d: d["revoked"].append({"visa_number": "u9", "revoked_at": "x"}), "not 1 to 60"),
    ],
)
def test_a_changed_list_is_refused(listing: bytes, trust: TrustStore, change, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RevocationListError, match=message):
        revocation_list_load(_changed(listing, change), trust=trust)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a revocation list"),
        (b'{"format": "masar-visa-revocations/1", "format": "x"}', "appears twice"),
    ],
)
def test_what_is_not_a_list_is_refused(data: bytes, trust: TrustStore, message: str) -> None:
    with pytest.raises(RevocationListError, match=message):
        revocation_list_load(data, trust=trust)


def test_a_list_signed_by_another_csca_signer_is_refused(tmp_path: Path, trust: TrustStore) -> None:
    foreign = make_store(tmp_path)
    forged = revocation_list_build(
        [RevokedVisa("U1", EARLY)], signer=foreign.current_signer(), issued_at=NOW
    )
    with pytest.raises(RevocationListError, match="does not verify"):
        revocation_list_load(forged, trust=trust)


def test_a_list_needs_a_signer_valid_on_its_day(tmp_path: Path) -> None:
    store = make_store(tmp_path, usage_days=2)
    signer = store.current_signer()
    with pytest.raises(SealSigningError):
        revocation_list_build([], signer=signer, issued_at=NOW + timedelta(days=3))
    listing = revocation_list_build([], signer=signer, issued_at=NOW + timedelta(days=2))
    assert "next_update" not in json.loads(listing)
    assert revocation_list_load(listing, trust=store.trust_store()).entries == ()
    # A list dated outside the key's period, signed all the same, is refused.
    document = json.loads(listing)
    document["issued_at"] = "2025-06-10T09:00:00Z"
    document["signature"] = base64.b64encode(signer.sign(canonical_bytes(document))).decode()
    with pytest.raises(RevocationListError, match="could not sign"):
        revocation_list_load(json.dumps(document).encode(), trust=store.trust_store())


@pytest.mark.parametrize(
    ("entry", "when", "message"),
    [
        (RevokedVisa("U-1", EARLY), NOW, "letters and digits"),
        (RevokedVisa("U1", datetime(2025, 5, 30)), NOW, "timezone-aware"),  # noqa: DTZ001
        (RevokedVisa("U1", EARLY), datetime(2025, 6, 1, 9), "timezone-aware"),  # noqa: DTZ001
    ],
)
def test_bad_entries_are_refused_when_building(
    store: KeyStore, entry: RevokedVisa, when: datetime, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        revocation_list_build([entry], signer=store.current_signer(), issued_at=when)
