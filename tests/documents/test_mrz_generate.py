"""Generators: transliteration, Doc 9303 name truncation, and input validation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from masar.documents import (
    format_name,
    generate_mrva,
    generate_mrvb,
    generate_td1,
    generate_td2,
    generate_td3,
    parse_mrz,
    transliterate,
)

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "mrz"),
    [
        ("Eriksson", "ERIKSSON"),
        ("Anna María", "ANNA<MARIA"),
        ("Smith-Jones", "SMITH<JONES"),
        ("O'Connor", "OCONNOR"),
        ("O’Connor", "OCONNOR"),
        ("St. John", "ST<JOHN"),
        ("  van der  Muellen ", "VAN<DER<MUELLEN"),
        ("Müller", "MUELLER"),  # Doc 9303's first choice for umlauts: AE, OE, UE
        ("Mu\u0308ller", "MUELLER"),  # the same, decomposed
        ("Åsa Ærø", "AASA<AEROE"),
        ("Strauß", "STRAUSS"),
        ("Þór Łukasz Đorđe", "THOR<LUKASZ<DORDE"),
        ("Çağlar Şahin", "CAGLAR<SAHIN"),
        ("Nuñez", "NUNEZ"),
        ("Œdipe", "OEDIPE"),
        ("ıldız", "ILDIZ"),
        ("al-Hāshimī", "AL<HASHIMI"),
        ("", ""),
        ("- ' -", ""),
    ],
)
def test_transliterate(text: str, mrz: str) -> None:
    assert transliterate(text) == mrz


@pytest.mark.parametrize("text", ["محمد", "Иван", "R2D2", "王", "Anna!"])
def test_transliterate_rejects_what_has_no_latin_form(text: str) -> None:
    with pytest.raises(ValueError, match="has no MRZ transliteration"):
        transliterate(text)


# Doc 9303 Part 3 section 4.6 and Parts 4-6 examples (the standard leaves the
# choice of truncation method to the issuing state; these are the ones we follow).
@pytest.mark.parametrize(
    ("surname", "given_names", "length", "field"),
    [
        ("Eriksson", "Anna Maria", 39, "ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
        ("Heng", "Deborah Ming Lo", 39, "HENG<<DEBORAH<MING<LO<<<<<<<<<<<<<<<<<<"),
        ("Arkfreith", "", 39, "ARKFREITH<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"),
        ("", "Surya", 39, "<<SURYA<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"),
        (
            "Papandropoulous",
            "Jonathon Warren Trevor",
            39,
            "PAPANDROPOULOUS<<JONATHON<WARREN<TREVOR",  # exactly 39: not truncated
        ),
        (
            "Nilavadhanananda",
            "Chayapa Dejthamrong Krasuang",
            39,
            "NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K",
        ),
        (
            "Nilavadhanananda",
            "Arnpol Petch Charonguang",
            39,
            "NILAVADHANANANDA<<ARNPOL<PETCH<CHARONGU",
        ),
        (
            "Bennelong Wooloomooloo Warrandyte Warnambool",
            "Dingo Potoroo",
            39,
            "BENNELONG<WOOLOOMOOLOO<WARRANDYTE<W<<DI",
        ),
        ("Nilavadhanananda", "Chayapa Dejthamrong Krasuang", 31, "NILAVADHANANANDA<<CHAYAPA<DEJ<K"),
        ("Nilavadhanananda", "Chayapa Dejthamrong Krasuang", 30, "NILAVADHANANANDA<<CHAYAPA<DE<K"),
        ("A" * 40, "", 39, "A" * 39),
        ("A" * 38, "Bob", 39, "A" * 36 + "<<B"),
        ("Abc Def Ghijklmnopqrstuvwxyzabcdefghij", "", 30, "ABC<DEF<GHIJKLMNOPQRSTUVWXYZAB"),
    ],
)
def test_format_name(surname: str, given_names: str, length: int, field: str) -> None:
    assert format_name(surname, given_names, length) == field
    assert len(field) == length


def test_format_name_needs_a_name() -> None:
    with pytest.raises(ValueError, match="needs a surname or given names"):
        format_name(" - ", "", 39)


PERSON: dict[str, Any] = {
    "issuing_state": "SAU",
    "surname": "Al-Qahtani",
    "given_names": "Nora",
    "document_number": "A1234567",
    "nationality": "SAU",
    "birth_date": date(1988, 2, 29),
    "sex": "F",
    "expiry_date": date(2029, 12, 31),
}

GENERATORS = [generate_td3, generate_td1, generate_td2, generate_mrva, generate_mrvb]


@pytest.mark.parametrize("generate", GENERATORS)
def test_every_generator_output_parses_as_valid(generate: Any) -> None:
    lines = generate(**PERSON)
    mrz = parse_mrz(lines, today=TODAY)
    assert mrz.valid, mrz.errors
    assert (mrz.surname, mrz.given_names, mrz.birth_date) == (
        "AL QAHTANI",
        "NORA",
        date(1988, 2, 29),
    )


@pytest.mark.parametrize("generate", GENERATORS)
def test_unknown_dates_and_unspecified_sex(generate: Any) -> None:
    lines = generate(**{**PERSON, "birth_date": None, "expiry_date": None, "sex": "X"})
    mrz = parse_mrz(lines, today=TODAY)
    assert mrz.valid, mrz.errors
    assert (mrz.birth_date, mrz.expiry_date, mrz.sex) == (None, None, "X")


def test_visas_have_no_composite_check_digit() -> None:
    line2 = generate_mrva(**PERSON, optional_data="X" * 16)[1]
    assert line2.endswith("X" * 16)
    line2 = generate_mrvb(**PERSON, optional_data="Y" * 8)[1]
    assert line2.endswith("Y" * 8)


def test_lowercase_and_padded_input_is_accepted() -> None:
    lines = generate_td3(
        **{**PERSON, "issuing_state": " sau ", "nationality": "d", "document_number": " a12 "},
        optional_data="ab 12",
        document_type="pd",
    )
    mrz = parse_mrz(lines, today=TODAY)
    assert mrz.valid
    assert (mrz.document_type, mrz.nationality, mrz.document_number) == ("PD", "D", "A12")
    assert mrz.optional_data == "AB<12"


@pytest.mark.parametrize(
    ("generate", "change", "message"),
    [
        (generate_td3, {"issuing_state": "ZZZ"}, "issuing state 'ZZZ' is not an ICAO code"),
        (generate_td3, {"nationality": "ZIM"}, "nationality 'ZIM' is not an ICAO code"),
        (generate_td3, {"document_type": "V"}, "document type 'V' must be P"),
        (generate_td3, {"document_type": "P1"}, "document type"),
        (generate_td3, {"document_type": ""}, "document type"),
        (generate_td1, {"document_type": "P"}, "must be A, C, I"),
        (generate_mrva, {"document_type": "P"}, "must be V"),
        (generate_td3, {"document_number": "A1234567890"}, "longer than 9"),
        (generate_td3, {"document_number": "AB-12"}, "letters and digits"),
        (generate_td3, {"document_number": ""}, "letters and digits"),
        (generate_td1, {"document_number": "1" * 23}, "longer than 22"),
        (generate_td2, {"document_number": "1" * 15}, "longer than 14"),
        (generate_mrvb, {"document_number": "1" * 10}, "longer than 9"),
        (generate_td3, {"sex": "male"}, "sex 'male' must be M, F or X"),
        (generate_td3, {"optional_data": "1" * 15}, "longer than 14"),
        (generate_td3, {"optional_data": "12-3"}, "only letters, digits and <"),
        (generate_td1, {"optional_data_2": "1" * 12}, "optional data 2"),
        (generate_mrva, {"optional_data": "1" * 17}, "longer than 16"),
        (generate_mrvb, {"optional_data": "1" * 9}, "longer than 8"),
        (generate_td3, {"surname": "محمد", "given_names": ""}, "no MRZ transliteration"),
        (generate_td3, {"surname": "", "given_names": ""}, "needs a surname"),
        (
            generate_td2,
            {"document_number": "1" * 13, "optional_data": "AB"},
            "do not fit together",
        ),
    ],
)
def test_generators_reject_what_no_mrz_can_hold(
    generate: Any, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        generate(**{**PERSON, **change})


def test_td2_overflow_with_optional_data_that_fits() -> None:
    lines = generate_td2(**{**PERSON, "document_number": "1234567890AB"}, optional_data="YZ")
    assert lines[1][28:35] == "0AB" + lines[1][31] + "<YZ"  # exactly 7
    mrz = parse_mrz(lines, today=TODAY)
    assert mrz.valid
    assert (mrz.document_number, mrz.optional_data) == ("1234567890AB", "YZ")
