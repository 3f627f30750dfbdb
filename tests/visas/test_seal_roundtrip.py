"""Masar's seals: encode -> decode gives the same features, and the bytes follow the layout."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masar.visas.seal import (
    SealSigner,
    SealSigningError,
    StayDuration,
    VisaFeatures,
    c40_encode,
    seal_build,
    seal_decode,
)
from masar.visas.seal.dates import date_encode
from tests.visas.test_seal_helpers import (
    TODAY,
    VALID_UNTIL,
    make_store,
    visa_feature_sets,
    visa_features,
    visa_mrz,
)


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> SealSigner:
    return make_store(tmp_path_factory.mktemp("keys")).current_signer()


@settings(max_examples=300)
@given(features=visa_feature_sets(), issued=st.dates())
def test_encode_then_decode_gives_the_same_features(
    signer: SealSigner, features: VisaFeatures, issued: date
) -> None:
    seal = seal_build(features, signer=signer, issued_on=issued, signed_on=TODAY)
    decoded = seal_decode(seal)
    assert decoded.features == features
    assert decoded.header.document_issue_date == issued
    assert decoded.header.signature_date == TODAY
    assert (decoded.header.signer_identifier, decoded.header.certificate_reference) == (
        signer.signer_identifier,
        signer.certificate_reference,
    )
    assert decoded.raw == seal
    assert len(decoded.signature) == 64


def test_the_optional_data_of_the_mrz_is_not_in_the_seal(signer: SealSigner) -> None:
    """Doc 9303-13 keeps line 2 up to the valid-until check digit; the rest reads as fillers."""
    mrz = visa_mrz(optional_data="MASAR2025")
    assert mrz[1][28:] == "MASAR2025<<<<<<<"
    decoded = seal_decode(
        seal_build(
            replace(visa_features(), mrz=mrz), signer=signer, issued_on=TODAY, signed_on=TODAY
        )
    )
    assert decoded.features.mrz == (mrz[0], mrz[1][:28] + "<" * 16)


def test_bytes_follow_the_documented_layout(signer: SealSigner) -> None:
    """Each field where docs/visa-seal.md puts it (the signature aside, which is random)."""
    features = visa_features()
    seal = seal_build(features, signer=signer, issued_on=date(2025, 5, 31), signed_on=TODAY)
    reference = signer.certificate_reference
    assert len(reference) == 8
    header = (
        bytes([0xDC, 0x03])
        + c40_encode("SAU")
        + c40_encode(f"SAVS08{reference}")
        + bytes.fromhex("510e19")  # 05312025
        + bytes.fromhex("5bbc79")  # 06012025
        + bytes([0x5D, 0x01])
    )
    l1, l2 = features.mrz
    masar = (
        bytes([0x01, 0x08])
        + c40_encode("U25000001234")
        + bytes([0x02, 0x03])
        + date_encode(date(2025, 6, 1))
        + bytes([0x03, 0x03])
        + date_encode(VALID_UNTIL)
    )
    message = (
        bytes([0x01, 48])
        + c40_encode(l1 + l2[:28])
        + bytes([0x03, 0x01, 0x01])  # one entry
        + bytes([0x04, 0x03, 90, 0, 0])  # 90 days, 0 months, 0 years
        + bytes([0x05, 0x06])
        + c40_encode("C1234567<")
        + bytes([0x06, 0x01, 0x01])  # visa type 1: Umrah
        + bytes([0x07, len(masar)])
        + masar
    )
    assert len(header) == 22
    assert seal[: len(header) + len(message)] == header + message
    assert seal[len(header) + len(message) : len(header) + len(message) + 2] == b"\xff\x40"
    assert len(seal) == len(header) + len(message) + 2 + 64 == 179


def test_an_mrv_b_seal_carries_44_bytes_of_mrz(signer: SealSigner) -> None:
    features = visa_features(size="B")
    seal = seal_build(features, signer=signer, issued_on=TODAY, signed_on=TODAY)
    decoded = seal_decode(seal)
    assert decoded.features == features
    assert decoded.features.mrz_format == "MRV-B"
    assert seal[22:24] == bytes([0x02, 44])


def test_large_visa_types_use_up_to_four_bytes(signer: SealSigner) -> None:
    seal = seal_build(
        visa_features(visa_type=0x01020304), signer=signer, issued_on=TODAY, signed_on=TODAY
    )
    assert bytes([0x06, 0x04, 1, 2, 3, 4]) in seal
    assert seal_decode(seal).features.visa_type == 0x01020304
    no_type = seal_build(
        visa_features(visa_type=None), signer=signer, issued_on=TODAY, signed_on=TODAY
    )
    assert seal_decode(no_type).features.visa_type is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"passport_number": None}, "needs the passport number"),
        ({"visa_number": None}, "needs the passport number"),
        ({"valid_from": None}, "needs the passport number"),
        ({"number_of_entries": 256}, "number of entries"),
        ({"duration_of_stay": StayDuration(days=300)}, "days of stay"),
        ({"passport_number": "C1234567890"}, "passport number"),
        ({"passport_number": "C12-34"}, "passport number"),
        ({"visa_number": "U" * 61}, "visa number"),
        ({"visa_number": "u25"}, "visa number"),
        ({"valid_from": date(2025, 9, 1)}, "valid from a date after"),
        ({"valid_until": date(2025, 8, 31)}, "MRZ's valid-until date differs"),
        ({"visa_type": 2**32}, "visa type"),
        ({"mrz": ("P<SAU" + "<" * 39, "<" * 44)}, "starts with V"),
        ({"mrz": ("V<SAU" + "<" * 39, "<" * 36)}, "2 lines of 44"),
        ({"unknown_features": ((0x20, b"x"),)}, "outside the visa profile"),
    ],
)
def test_features_no_seal_can_hold_are_refused(
    signer: SealSigner, change: dict[str, object], message: str
) -> None:
    features = replace(visa_features(), **change)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        seal_build(features, signer=signer, issued_on=TODAY, signed_on=TODAY)


def test_a_signer_does_not_sign_outside_its_key_usage_period(tmp_path: Path) -> None:
    signer = make_store(tmp_path, usage_days=30).current_signer()
    assert (signer.validity.key_usage_from, signer.validity.key_usage_until) == (
        date(2025, 6, 1),
        date(2025, 7, 1),
    )
    sign = lambda day: seal_build(visa_features(), signer=signer, issued_on=day, signed_on=day)  # noqa: E731
    assert seal_decode(sign(date(2025, 7, 1))).header.signature_date == date(2025, 7, 1)
    for day in (date(2025, 5, 31), date(2025, 7, 2)):
        with pytest.raises(SealSigningError, match="rotate the keys"):
            sign(day)
