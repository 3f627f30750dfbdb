"""The specimens of ICAO Doc 9303, every field asserted.

The TD3, TD1 and TD2 specimens are those of Parts 4, 5 and 6 (Anna Maria
Eriksson of Utopia); their check digits were recomputed here and all verify.
The MRV-A line suggested in our brief (``5551234563USA5007041M2409125...``)
does not verify (its visa number check digit would be 0, not 3), so the visas
use the Doc 9303 Part 7 specimen instead (nationality ``XXX``), whose check
digits verify; the MRV-B specimen is the MRV-A one at the 36-character width.

``UTO`` (Utopia) is a fictitious state: it is not on the ICAO code list, so a
specimen is only valid with ``allow_specimen=True``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from masar.documents import (
    MRZ,
    check_digit,
    generate_mrva,
    generate_mrvb,
    generate_td1,
    generate_td2,
    generate_td3,
    parse_mrz,
)

TODAY = date(2025, 6, 1)

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
# Doc 9303 Part 5: a 12-character document number overflows into the optional data.
TD1_LONG_NUMBER = (
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
TD2 = (
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
)
MRVA = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
)
MRVB = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "L8988901C4XXX4009078F9612109<<<<<<<<",
)

ANNA = {
    "issuing_state": "UTO",
    "surname": "ERIKSSON",
    "given_names": "ANNA MARIA",
    "sex": "F",
    "errors": [],
    "valid": True,
}
PASSPORT_DATES = {"birth_date": "1974-08-12", "expiry_date": "2012-04-15"}
VISA_DATES = {"birth_date": "1940-09-07", "expiry_date": "1996-12-10"}


def test_the_specimen_check_digits_verify() -> None:
    line = TD3[1]
    assert check_digit(line[0:9]) == line[9] == "6"
    assert check_digit(line[13:19]) == line[19] == "2"
    assert check_digit(line[21:27]) == line[27] == "9"
    assert check_digit(line[28:42]) == line[42] == "1"
    assert check_digit(line[0:10] + line[13:20] + line[21:43]) == line[43] == "0"
    assert check_digit("D23145890734") == "9"
    # The MRV-A line from the brief: its visa number check digit would be 0, not 3.
    assert check_digit("555123456") == "0"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            TD3,
            {
                **ANNA,
                **PASSPORT_DATES,
                "format": "TD3",
                "document_type": "P",
                "document_number": "L898902C3",
                "nationality": "UTO",
                "optional_data": "ZE184226B",
            },
            id="TD3",
        ),
        pytest.param(
            TD1,
            {
                **ANNA,
                **PASSPORT_DATES,
                "format": "TD1",
                "document_type": "I",
                "document_number": "D23145890",
                "nationality": "UTO",
                "optional_data": "",
            },
            id="TD1",
        ),
        pytest.param(
            TD1_LONG_NUMBER,
            {
                **ANNA,
                **PASSPORT_DATES,
                "format": "TD1",
                "document_type": "I",
                "document_number": "D23145890734",
                "nationality": "UTO",
                "optional_data": "",
            },
            id="TD1-long-number",
        ),
        pytest.param(
            TD2,
            {
                **ANNA,
                **PASSPORT_DATES,
                "format": "TD2",
                "document_type": "I",
                "document_number": "D23145890",
                "nationality": "UTO",
                "optional_data": "",
            },
            id="TD2",
        ),
        pytest.param(
            MRVA,
            {
                **ANNA,
                **VISA_DATES,
                "format": "MRV-A",
                "document_type": "V",
                "document_number": "L8988901C",
                "nationality": "XXX",
                "optional_data": "6ZE184226B",
            },
            id="MRV-A",
        ),
        pytest.param(
            MRVB,
            {
                **ANNA,
                **VISA_DATES,
                "format": "MRV-B",
                "document_type": "V",
                "document_number": "L8988901C",
                "nationality": "XXX",
                "optional_data": "",
            },
            id="MRV-B",
        ),
    ],
)
def test_specimen_fields(lines: tuple[str, ...], expected: dict[str, object]) -> None:
    mrz = parse_mrz(lines, today=TODAY, allow_specimen=True)
    assert mrz.to_dict() == expected
    assert mrz.lines == lines
    assert mrz.optional_data_2 == ""


def test_specimen_dataclass_fields() -> None:
    mrz = parse_mrz("\n".join(TD3), today=TODAY, allow_specimen=True)
    assert mrz == MRZ(
        valid=True,
        format="TD3",
        document_type="P",
        issuing_state="UTO",
        surname="ERIKSSON",
        given_names="ANNA MARIA",
        document_number="L898902C3",
        nationality="UTO",
        birth_date=date(1974, 8, 12),
        sex="F",
        expiry_date=date(2012, 4, 15),
        optional_data="ZE184226B",
        errors=(),
        lines=TD3,
    )


@pytest.mark.parametrize(
    ("lines", "unknown"),
    [
        (TD3, ["issuing_state", "nationality"]),
        (TD1, ["issuing_state", "nationality"]),
        (TD2, ["issuing_state", "nationality"]),
        (MRVA, ["issuing_state"]),
        (MRVB, ["issuing_state"]),
    ],
)
def test_utopia_is_not_a_real_country(lines: tuple[str, ...], unknown: list[str]) -> None:
    mrz = parse_mrz(lines, today=TODAY)
    assert not mrz.valid
    assert [(e.field, e.code) for e in mrz.errors] == [(f, "unknown_country") for f in unknown]


ERIKSSON: dict[str, Any] = {
    "issuing_state": "UTO",
    "surname": "Eriksson",
    "given_names": "Anna Maria",
    "sex": "F",
}


def test_generators_rebuild_the_specimens() -> None:
    passport: dict[str, Any] = {
        **ERIKSSON,
        "nationality": "UTO",
        "birth_date": date(1974, 8, 12),
        "expiry_date": date(2012, 4, 15),
    }
    visa: dict[str, Any] = {
        **ERIKSSON,
        "document_number": "L8988901C",
        "nationality": "XXX",
        "birth_date": date(1940, 9, 7),
        "expiry_date": date(1996, 12, 10),
    }
    td3 = generate_td3(**passport, document_number="L898902C3", optional_data="ZE184226B")
    assert td3 == TD3
    assert generate_td1(**passport, document_number="D23145890") == TD1
    assert generate_td1(**passport, document_number="D23145890734") == TD1_LONG_NUMBER
    assert generate_td2(**passport, document_number="D23145890") == TD2
    assert generate_mrva(**visa, optional_data="6ZE184226B") == MRVA
    assert generate_mrvb(**visa) == MRVB
