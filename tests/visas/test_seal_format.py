"""The seal's byte layout: dates, lengths, the header, and the published worked examples."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masar.visas.seal import (
    SealFormatError,
    SealHeader,
    TrustStore,
    Verdict,
    seal_decode,
    seal_verify,
)
from masar.visas.seal.dates import date_decode, date_encode
from masar.visas.seal.errors import ERROR_CODES
from masar.visas.seal.header import header_decode
from masar.visas.seal.tlv import der_length, read_tlv, tlv

# BSI TR-03137 part 1, annex F: the seal of a German visa sticker (brainpoolP224r1 signature).
BSI_VISA = bytes.fromhex(
    "dc036abc6d32c8a72cb10f7134b798155d01022cdd52134a74da1347c6fed95cb89f9fce133c133c133c133c"
    "203833734aaf47f0c32f1a1e20eb2625393afe3104"
    "03a000000506"
    "33be1fed20c6ff38d557324760"
    "8c9b64cae022c1c5249660e51ae316d600f974aac2129c3f093c35955314026304705cd24c1b8100711bd441"
    "1f068e8d93e8b7"
)
# Annex E: a residence permit (another profile: 0xFB, 0x06).
BSI_RESIDENCE_PERMIT_HEADER = bytes.fromhex("dc036abc6d32c8a727390f71341145f4fb06")
# Annex C: an arrival attestation with a version 3 header (0x02, reference of 5 characters).
BSI_ARRIVAL_HEADER = bytes.fromhex("dc026abc6d32c8a519fc0f71341145f4fd02")


def test_dates_are_mmddyyyy_in_three_bytes() -> None:
    assert date_encode(date(1957, 3, 25)).hex() == "319ef5"  # the example of section 3.2.3
    assert date_encode(date(2020, 1, 1)).hex() == "0f7134"
    assert date_decode(bytes.fromhex("b79815")) == date(2021, 12, 3)


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_every_date_round_trips(day: date) -> None:
    assert date_decode(date_encode(day)) == day


@pytest.mark.parametrize("data", ["000000", "c68c34", "232045"])  # 00/00/0000, 13/01, 02/30
def test_impossible_dates_are_refused(data: str) -> None:
    with pytest.raises(SealFormatError) as caught:
        date_decode(bytes.fromhex(data))
    assert caught.value.code == "date"


@pytest.mark.parametrize(
    ("length", "encoded"),
    [(0, "00"), (64, "40"), (127, "7f"), (128, "8180"), (254, "81fe"), (256, "820100")],
)
def test_lengths_are_der(length: int, encoded: str) -> None:
    assert der_length(length).hex() == encoded
    item = tlv(0x07, bytes(length))
    assert read_tlv(item, 0) == (0x07, bytes(length), len(item))


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ("0781050000", "length"),  # 5 in the long form: not DER
        ("0782007f" + "00" * 127, "length"),
        ("0783000001", "length"),  # three length bytes: unsupported
        ("070500", "truncated"),
        ("0781", "truncated"),
        ("07", "truncated"),
    ],
)
def test_bad_items_are_refused(item: str, code: str) -> None:
    with pytest.raises(SealFormatError) as caught:
        read_tlv(bytes.fromhex(item), 0)
    assert caught.value.code == code


def test_the_published_visa_seal_decodes_field_by_field() -> None:
    seal = seal_decode(BSI_VISA)
    assert seal.header == SealHeader(
        issuing_country="D",
        signer_identifier="DETS",
        certificate_reference="32",
        document_issue_date=date(2020, 1, 1),
        signature_date=date(2021, 12, 3),
        feature_definition_reference=0x5D,
        document_type_category=0x01,
        version=0x03,
    )
    features = seal.features
    assert features.mrz == (
        "VCD<<DENT<<ARTHUR<PHILIP<<<<<<<<<<<<",
        "1234567XY7GBR5203116M2005250<<<<<<<<",
    )
    assert features.mrz_format == "MRV-B"
    assert features.passport_number == "47110815P"
    assert features.duration_of_stay is not None
    assert features.duration_of_stay.to_dict() == {"days": 160, "months": 0, "years": 0}
    assert features.number_of_entries is None  # the German profile leaves it out
    assert (features.visa_number, features.valid_from, features.valid_until) == (None, None, None)
    assert len(seal.signature) == 56
    assert seal.signed_bytes == BSI_VISA[: BSI_VISA.index(b"\xff\x38")]


def test_a_version_3_header_reads_a_reference_of_five_characters() -> None:
    header, size = header_decode(BSI_ARRIVAL_HEADER)
    assert size == len(BSI_ARRIVAL_HEADER) == 18
    assert (header.version, header.signer_identifier, header.certificate_reference) == (
        0x02,
        "DETS",
        "00027",
    )
    assert (header.document_issue_date, header.signature_date) == (
        date(2020, 1, 1),
        date(2020, 1, 13),
    )


def test_other_profiles_are_not_visas() -> None:
    seal = BSI_RESIDENCE_PERMIT_HEADER + bytes.fromhex("0306d79519a65306ff0400000000")
    with pytest.raises(SealFormatError) as caught:
        seal_decode(seal)
    assert caught.value.code == "not_a_visa"


signers = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)


@given(
    country=st.sampled_from(["SAU", "D", "GB", "UTO"]),
    signer=st.tuples(signers, st.text(alphabet="ABCDEFGHIJ0123456789", min_size=2, max_size=2)),
    reference=st.text(alphabet="0123456789ABCDEF", min_size=1, max_size=40),
    issued=st.dates(),
    signed=st.dates(),
    reference_byte=st.integers(0, 255),
    category=st.integers(0, 255),
)
def test_every_header_round_trips(
    country: str,
    signer: tuple[str, str],
    reference: str,
    issued: date,
    signed: date,
    reference_byte: int,
    category: int,
) -> None:
    header = SealHeader(
        issuing_country=country,
        signer_identifier="".join(signer),
        certificate_reference=reference,
        document_issue_date=issued,
        signature_date=signed,
        feature_definition_reference=reference_byte,
        document_type_category=category,
    )
    encoded = header.encode()
    assert header_decode(encoded + b"\xff") == (header, len(encoded))


def test_the_header_of_the_published_visa_is_written_byte_for_byte() -> None:
    header, size = header_decode(BSI_VISA)
    assert header.encode() == BSI_VISA[:size]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"issuing_country": "SAUD"}, "issuing country"),
        ({"issuing_country": "S1"}, "issuing country"),
        ({"signer_identifier": "S1VS"}, "signer identifier"),
        ({"signer_identifier": "SAV"}, "signer identifier"),
        ({"certificate_reference": ""}, "certificate reference"),
        ({"certificate_reference": "ab"}, "certificate reference"),
        ({"feature_definition_reference": 256}, "header byte"),
        ({"version": 0x02}, "version 4"),
    ],
)
def test_headers_no_seal_can_hold_are_refused(fields: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "issuing_country": "SAU",
        "signer_identifier": "SAVS",
        "certificate_reference": "1A2B3C4D",
        "document_issue_date": date(2025, 6, 1),
        "signature_date": date(2025, 6, 1),
        "feature_definition_reference": 0x5D,
        "document_type_category": 0x01,
    } | fields
    with pytest.raises(ValueError, match=message):
        SealHeader(**values).encode()  # type: ignore[arg-type]


def _malformed(data: bytes) -> str:
    with pytest.raises(SealFormatError) as caught:
        seal_decode(data)
    assert caught.value.code in ERROR_CODES
    return caught.value.code


def test_each_way_of_being_malformed_has_its_code() -> None:
    header, size = header_decode(BSI_VISA)
    head = BSI_VISA[:size]
    message = BSI_VISA[size : BSI_VISA.index(b"\xff\x38")]
    signature = BSI_VISA[len(head) + len(message) :]
    assert _malformed(b"") == "empty"
    assert _malformed(b"\xdd" + BSI_VISA[1:]) == "magic"
    assert _malformed(b"\xdc\x04" + BSI_VISA[2:]) == "version"
    assert _malformed(BSI_VISA[:10]) == "truncated"
    assert _malformed(head) == "signature_zone"
    assert _malformed(head + message) == "signature_zone"
    assert _malformed(head + signature) == "missing_feature"
    assert _malformed(head + message + b"\xff\x00") == "signature_zone"
    assert _malformed(BSI_VISA + b"\x00") == "trailing_bytes"
    assert _malformed(head + message[:-3]) == "truncated"
    assert _malformed(head + tlv(0x05, bytes.fromhex("33be1fed20c6")) + signature) == (
        "missing_feature"
    )
    assert _malformed(head + message + tlv(0x05, bytes(6)) + signature) == "duplicate_feature"
    assert _malformed(head + message + tlv(0x01, bytes(48)) + signature) == "duplicate_feature"
    assert _malformed(head + message.replace(b"\x05\x06", b"\x05\x04")[:-2] + signature) == (
        "feature_value"
    )
    bad_date = head[:10] + b"\x00\x00\x00" + head[13:]
    assert _malformed(bad_date + message + signature) == "date"
    bad_c40 = head[:2] + b"\xfe\x00" + head[4:]
    assert _malformed(bad_c40 + message + signature) == "c40"
    bad_length = head[:4] + bytes.fromhex("6d32c8c6") + head[8:]  # "DETS0X": not hex
    assert _malformed(bad_length + message + signature) == "length"


def test_the_example_of_the_published_layout_verifies() -> None:
    """docs/visa-seal.md section 10: its hex dump verifies against its two certificates."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "visa-seal.md").read_text()
    example = doc[doc.index("## 10. Example") :]
    dump = re.search(r"```\n(0000 .*?)```", example, re.S)
    assert dump is not None
    seal = bytes.fromhex("".join(line[6:] for line in dump.group(1).splitlines()))
    pems = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", example, re.S)
    assert len(seal) == 179 and len(pems) == 2
    trust = TrustStore.from_pem("\n".join(pems).encode())
    result = seal_verify(seal, trust=trust, today=date(2025, 6, 1))
    assert result.verdict is Verdict.VALID
    features = result.seal.features if result.seal else None
    assert features is not None
    assert features.mrz[0] == "V<SAUHASANAH<<SITI<NUR<<<<<<<<<<<<<<<<<<<<<<"
    assert features.mrz[1][:28] == "C1234567<0IDN8002033F2508304"
    assert (features.visa_number, features.valid_until) == ("U25000001234", date(2025, 8, 30))
    assert result.seal is not None
    assert result.seal.header.certificate_reference == "6DDA68BD"
