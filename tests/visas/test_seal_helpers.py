"""Builders shared by the seal, key and CLI tests (no tests here).

A fixed clock: the key stores are created at ``NOW`` (noon in Riyadh on 1 June 2025),
seals are signed on ``TODAY`` and checked on ``TODAY`` unless a test says otherwise.
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import strategies as st

from masar.documents import generate_mrva, generate_mrvb
from masar.visas.keys import KeyStore
from masar.visas.seal import (
    VISA_TYPE_UMRAH,
    SealSigner,
    StayDuration,
    VisaFeatures,
    seal_build,
)

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
TODAY = date(2025, 6, 1)
VALID_FROM = date(2025, 6, 1)
VALID_UNTIL = date(2025, 8, 30)


def make_store(directory: Path, *, passphrase: str | None = None, **options: object) -> KeyStore:
    """An initialised key store in ``directory`` created at ``NOW``."""
    store = KeyStore(directory, passphrase=passphrase)
    store.init(now=NOW, **options)  # type: ignore[arg-type]
    return store


def visa_mrz(
    *,
    size: str = "A",
    surname: str = "Hasanah",
    given_names: str = "Siti Nur",
    document_number: str = "C1234567",
    nationality: str = "IDN",
    birth_date: date = date(1980, 2, 3),
    sex: str = "F",
    valid_until: date = VALID_UNTIL,
    optional_data: str = "",
) -> tuple[str, str]:
    generate = generate_mrva if size == "A" else generate_mrvb
    return generate(
        issuing_state="SAU",
        surname=surname,
        given_names=given_names,
        document_number=document_number,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        expiry_date=valid_until,
        optional_data=optional_data,
    )


def visa_features(
    *,
    visa_number: str = "U25000001234",
    passport_number: str = "C1234567",
    valid_from: date = VALID_FROM,
    valid_until: date = VALID_UNTIL,
    size: str = "A",
    visa_type: int | None = VISA_TYPE_UMRAH,
) -> VisaFeatures:
    return VisaFeatures(
        mrz=visa_mrz(size=size, document_number=passport_number, valid_until=valid_until),
        passport_number=passport_number,
        duration_of_stay=StayDuration(days=90),
        number_of_entries=1,
        visa_number=visa_number,
        valid_from=valid_from,
        valid_until=valid_until,
        visa_type=visa_type,
    )


def sign(signer: SealSigner, features: VisaFeatures | None = None, *, on: date = TODAY) -> bytes:
    return seal_build(features or visa_features(), signer=signer, issued_on=on, signed_on=on)


# --- hypothesis strategies ----------------------------------------------------------------

alnum = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=9)
words = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=12)
mrz_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def visa_feature_sets(draw: st.DrawFn) -> VisaFeatures:
    """Any visa Masar could seal: MRV-A or MRV-B, any names, numbers, stay and validity."""
    valid_until = draw(mrz_dates)
    valid_from = draw(st.dates(min_value=date(1999, 1, 1), max_value=valid_until))
    passport = draw(alnum)
    mrz = visa_mrz(
        size=draw(st.sampled_from("AB")),
        surname=draw(words),
        given_names=draw(words),
        document_number=draw(alnum),
        nationality=draw(st.sampled_from(["IDN", "PAK", "EGY", "GBR", "D", "UTO"])),
        birth_date=draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2024, 12, 31))),
        sex=draw(st.sampled_from("MFX")),
        valid_until=valid_until,
    )
    byte = st.integers(min_value=0, max_value=255)
    return VisaFeatures(
        mrz=mrz,
        passport_number=passport,
        duration_of_stay=StayDuration(draw(byte), draw(byte), draw(byte)),
        number_of_entries=draw(byte),
        visa_number=draw(
            st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=60)
        ),
        valid_from=valid_from,
        valid_until=valid_until,
        visa_type=draw(st.none() | st.integers(min_value=0, max_value=0xFFFFFFFF)),
    )
