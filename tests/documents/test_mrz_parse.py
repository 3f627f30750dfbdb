"""parse_mrz: input normalization, format errors, and each error code by field."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import date

import pytest

from masar.documents import (
    ERROR_CODES,
    ERROR_FIELDS,
    MRZError,
    MRZFormatError,
    check_digit,
    generate_td1,
    generate_td2,
    generate_td3,
    parse_mrz,
)

TODAY = date(2025, 6, 1)

PASSPORT = generate_td3(
    issuing_state="SAU",
    surname="Al-Harbi",
    given_names="Mohammed Abdullah",
    document_number="A12345678",
    nationality="SAU",
    birth_date=date(1970, 3, 4),
    sex="M",
    expiry_date=date(2030, 1, 1),
)


def with_checks(line2: str) -> str:
    """Recompute every check digit of a TD3 line 2 (after an edit that should pass them)."""
    chars = list(line2)
    chars[9] = check_digit(line2[0:9])
    chars[19] = check_digit(line2[13:19])
    chars[27] = check_digit(line2[21:27])
    optional = line2[28:42]
    chars[42] = "<" if optional == "<" * 14 else check_digit(optional)
    text = "".join(chars)
    return text[:43] + check_digit(text[0:10] + text[13:20] + text[21:43])


def td3(line1: str = PASSPORT[0], line2: str = PASSPORT[1], **kwargs: object) -> list[MRZError]:
    return list(parse_mrz([line1, line2], today=TODAY, **kwargs).errors)  # type: ignore[arg-type]


def codes(errors: list[MRZError]) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in errors]


def edit(line: str, start: int, text: str) -> str:
    return line[:start] + text + line[start + len(text) :]


# --- Input ------------------------------------------------------------------


def test_the_passport_is_valid() -> None:
    mrz = parse_mrz(PASSPORT, today=TODAY)
    assert mrz.valid, mrz.errors
    assert (mrz.surname, mrz.given_names) == ("AL HARBI", "MOHAMMED ABDULLAH")
    assert mrz.optional_data == ""
    assert PASSPORT[1][42] == "<"  # Empty optional data: its check digit is a filler.


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(PASSPORT),
        "  " + PASSPORT[0].lower() + "  \r\n\t" + PASSPORT[1].lower() + "\n\n",
        f"\n{PASSPORT[0]}\n\n{PASSPORT[1]}\n",
    ],
)
def test_case_whitespace_and_blank_lines_are_normalized(text: str) -> None:
    mrz = parse_mrz(text, today=TODAY)
    assert mrz.valid
    assert mrz.lines == PASSPORT


def test_a_sequence_of_lines_is_normalized_too() -> None:
    mrz = parse_mrz([f" {PASSPORT[0].lower()} ", PASSPORT[1]], today=TODAY)
    assert mrz.lines == PASSPORT


def test_today_defaults_to_the_current_date() -> None:
    assert parse_mrz(PASSPORT).valid


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([PASSPORT[0]], "got 1 line(s) of length 44"),
        ([*PASSPORT, PASSPORT[1]], "got 3 line(s)"),
        ([], "got 0 line(s) of length none"),
        ("", "got 0 line(s)"),
        ([PASSPORT[0], PASSPORT[1][:-1]], "of length 44, 43"),
        ([PASSPORT[0][:30]] * 2, "of length 30, 30"),
        ([PASSPORT[0][:36], PASSPORT[1]], "of length 36, 44"),
    ],
)
def test_wrong_shapes_raise(lines: list[str] | str, message: str) -> None:
    with pytest.raises(MRZFormatError, match="an MRZ is 3 lines of 30") as info:
        parse_mrz(lines, today=TODAY)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("line1", "bad"),
    [
        (edit(PASSPORT[0], 10, " "), "' '"),
        (edit(PASSPORT[0], 10, "-"), "'-'"),
        (edit(PASSPORT[0], 10, "ß"), "'ß'"),  # "ß".upper() would be "SS": rejected first.
        (edit(PASSPORT[0], 10, "ı"), "'ı'"),  # Turkish dotless i upper-cases to I.
        (edit(PASSPORT[0], 10, "«"), "'«'"),
    ],
)
def test_characters_outside_the_alphabet_raise(line1: str, bad: str) -> None:
    with pytest.raises(MRZFormatError, match=r"line 1 has characters outside the MRZ") as info:
        parse_mrz([line1, PASSPORT[1]], today=TODAY)
    assert bad in str(info.value)


def test_non_string_lines_raise() -> None:
    with pytest.raises(MRZFormatError, match="must be strings"):
        parse_mrz([PASSPORT[0], b"bytes"], today=TODAY)  # type: ignore[list-item]


def test_format_error_is_a_value_error() -> None:
    assert issubclass(MRZFormatError, ValueError)


# --- Check digits -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digit"),
    [("", "0"), ("<<<<<<", "0"), ("740812", "2"), ("L898902C3", "6"), ("A", "0"), ("Z", "5")],
)
def test_check_digit(value: str, digit: str) -> None:
    assert check_digit(value) == digit


@pytest.mark.parametrize("value", ["l898902c3", "L898 902", "É", "12-3"])
def test_check_digit_rejects_other_characters(value: str) -> None:
    with pytest.raises(ValueError, match="MRZ alphabet"):
        check_digit(value)


@pytest.mark.parametrize(
    ("position", "field"),
    [(9, "document_number"), (19, "birth_date"), (27, "expiry_date")],
)
def test_a_wrong_check_digit_is_reported_with_the_composite(position: int, field: str) -> None:
    old = PASSPORT[1][position]
    line2 = edit(PASSPORT[1], position, str((int(old) + 1) % 10))
    errors = td3(line2=line2)
    assert codes(errors) == [(field, "check_digit"), ("composite", "composite_check_digit")]
    assert errors[0].message == f"check digit is {line2[position]}; expected {old}"


def test_a_check_digit_that_is_not_a_digit() -> None:
    line2 = with_checks(PASSPORT[1])
    line2 = edit(line2, 9, "X")
    errors = td3(line2=line2)
    assert codes(errors)[0] == ("document_number", "check_digit")
    assert "'X' is not a digit" in errors[0].message


def test_a_wrong_composite_alone() -> None:
    line2 = edit(PASSPORT[1], 43, str((int(PASSPORT[1][43]) + 5) % 10))
    assert codes(td3(line2=line2)) == [("composite", "composite_check_digit")]
    assert codes(td3(line2=edit(PASSPORT[1], 43, "<"))) == [("composite", "composite_check_digit")]


def test_td3_optional_data_check_digit() -> None:
    filled = with_checks(edit(PASSPORT[1], 28, "1234567890"))
    assert td3(line2=filled) == []
    # All fillers: the check digit may be "<" or "0".
    assert td3(line2=with_checks(edit(PASSPORT[1], 42, "0"))) == []
    # Data present: a filler is no check digit.
    missing = with_checks(edit(PASSPORT[1], 28, "1234567890"))
    missing = edit(missing, 42, "<")
    missing = missing[:43] + check_digit(missing[0:10] + missing[13:20] + missing[21:43])
    errors = td3(line2=missing)
    assert codes(errors) == [("optional_data", "check_digit")]
    assert "missing" in errors[0].message


# --- Dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yymmdd", "expected"),
    [
        ("250601", date(2025, 6, 1)),  # today
        ("250602", date(2025, 6, 2)),  # tomorrow: a newborn read a time zone ahead of UTC
        ("000101", date(2000, 1, 1)),
        ("260101", date(1926, 1, 1)),  # later than this year's two digits: last century
        ("991231", date(1999, 12, 31)),
    ],
)
def test_birth_date_century(yymmdd: str, expected: date) -> None:
    mrz = parse_mrz([PASSPORT[0], with_checks(edit(PASSPORT[1], 13, yymmdd))], today=TODAY)
    assert mrz.errors == ()
    assert mrz.birth_date == expected


@pytest.mark.parametrize(
    ("yymmdd", "expected"),
    [
        ("250601", date(2025, 6, 1)),
        ("000101", date(2000, 1, 1)),
        ("751231", date(2075, 12, 31)),  # 50 years ahead: still this century
        ("760101", date(1976, 1, 1)),  # more than 50 years ahead: last century
        ("991231", date(1999, 12, 31)),
    ],
)
def test_expiry_date_century(yymmdd: str, expected: date) -> None:
    mrz = parse_mrz([PASSPORT[0], with_checks(edit(PASSPORT[1], 21, yymmdd))], today=TODAY)
    assert mrz.errors == ()
    assert mrz.expiry_date == expected


def test_expiry_century_later_in_this_century() -> None:
    line2 = with_checks(edit(PASSPORT[1], 21, "050101"))
    assert parse_mrz([PASSPORT[0], line2], today=date(2090, 1, 1)).expiry_date == date(2105, 1, 1)


def test_expired_documents_are_not_an_mrz_error() -> None:
    line2 = with_checks(edit(PASSPORT[1], 21, "010101"))
    mrz = parse_mrz([PASSPORT[0], line2], today=TODAY)
    assert mrz.valid
    assert mrz.expiry_date == date(2001, 1, 1)


@pytest.mark.parametrize(
    ("position", "yymmdd", "field", "message"),
    [
        (13, "740230", "birth_date", "'740230' is not a calendar date"),
        (13, "741301", "birth_date", "not a calendar date"),
        (13, "740800", "birth_date", "not a calendar date"),
        (13, "250603", "birth_date", "birth date 2025-06-03 is in the future"),
        (13, "74O812", "birth_date", "'74O812' is not YYMMDD"),
        (13, "7408<2", "birth_date", "is not YYMMDD"),
        (21, "300231", "expiry_date", "expiry date '300231' is not a calendar date"),
        (21, "3001<<", "expiry_date", "is not YYMMDD"),  # Only birth dates may be partial.
    ],
)
def test_invalid_dates(position: int, yymmdd: str, field: str, message: str) -> None:
    mrz = parse_mrz([PASSPORT[0], with_checks(edit(PASSPORT[1], position, yymmdd))], today=TODAY)
    assert codes(list(mrz.errors)) == [(field, "invalid_date")]
    assert message in mrz.errors[0].message
    assert getattr(mrz, field) is None


@pytest.mark.parametrize("yymmdd", ["<<<<<<", "74<<<<", "7408<<"])
def test_unknown_birth_date_parts_are_fillers(yymmdd: str) -> None:
    line2 = with_checks(edit(PASSPORT[1], 13, yymmdd))
    mrz = parse_mrz([PASSPORT[0], line2], today=TODAY)
    assert mrz.valid, mrz.errors
    assert mrz.birth_date is None


def test_unknown_birth_date_may_have_a_filler_check_digit() -> None:
    line2 = with_checks(edit(PASSPORT[1], 13, "<<<<<<"))
    line2 = edit(line2, 19, "<")
    assert td3(line2=line2) == []


def test_filler_check_digit_on_a_real_date_is_an_error() -> None:
    line2 = edit(PASSPORT[1], 19, "<")
    assert PASSPORT[1][19] != "0"
    assert codes(td3(line2=line2)) == [
        ("birth_date", "check_digit"),
        ("composite", "composite_check_digit"),
    ]


# --- Sex, countries, document type ------------------------------------------


@pytest.mark.parametrize(("char", "sex"), [("M", "M"), ("F", "F"), ("<", "X"), ("X", "X")])
def test_sex(char: str, sex: str) -> None:
    mrz = parse_mrz([PASSPORT[0], edit(PASSPORT[1], 20, char)], today=TODAY)
    assert mrz.valid
    assert mrz.sex == sex


def test_invalid_sex() -> None:
    mrz = parse_mrz([PASSPORT[0], edit(PASSPORT[1], 20, "Q")], today=TODAY)
    assert codes(list(mrz.errors)) == [("sex", "invalid_sex")]
    assert mrz.sex == "Q"


@pytest.mark.parametrize(
    ("code", "value"),
    [("D<<", "D"), ("DEU", "DEU"), ("GBN", "GBN"), ("XXA", "XXA"), ("RKS", "RKS"), ("EUE", "EUE")],
)
def test_known_countries(code: str, value: str) -> None:
    mrz = parse_mrz([edit(PASSPORT[0], 2, code), edit(PASSPORT[1], 10, code)], today=TODAY)
    assert mrz.valid
    assert (mrz.issuing_state, mrz.nationality) == (value, value)


@pytest.mark.parametrize(
    ("code", "error", "value"),
    [
        ("ZZZ", "unknown_country", "ZZZ"),
        ("UTO", "unknown_country", "UTO"),
        ("ZIM", "unknown_country", "ZIM"),
        ("DE<", "unknown_country", "DE"),
        ("U5A", "invalid_character", "U5A"),
        ("<SA", "invalid_character", "<SA"),
        ("<<<", "missing", ""),
    ],
)
def test_bad_countries(code: str, error: str, value: str) -> None:
    mrz = parse_mrz([edit(PASSPORT[0], 2, code), edit(PASSPORT[1], 10, code)], today=TODAY)
    assert codes(list(mrz.errors)) == [("issuing_state", error), ("nationality", error)]
    assert (mrz.issuing_state, mrz.nationality) == (value, value)


@pytest.mark.parametrize("code", ["PA", "PD", "PO", "P<"])
def test_passport_document_codes(code: str) -> None:
    mrz = parse_mrz([edit(PASSPORT[0], 0, code), PASSPORT[1]], today=TODAY)
    assert mrz.valid
    assert mrz.document_type == code.rstrip("<")


def test_a_44_character_mrz_of_another_document_is_read_as_td3() -> None:
    mrz = parse_mrz([edit(PASSPORT[0], 0, "I<"), PASSPORT[1]], today=TODAY)
    assert mrz.format == "TD3"
    assert codes(list(mrz.errors)) == [("document_type", "invalid_document_type")]
    assert codes(td3(line1=edit(PASSPORT[0], 1, "1"))) == [
        ("document_type", "invalid_document_type")
    ]


def test_td1_and_td2_document_codes_start_with_a_c_or_i() -> None:
    card = generate_td1(
        document_type="ID",
        issuing_state="FRA",
        surname="Martin",
        given_names="Claire",
        document_number="X4RTBPFW4",
        nationality="FRA",
        birth_date=date(1990, 1, 2),
        sex="F",
        expiry_date=date(2031, 1, 1),
    )
    assert parse_mrz(card, today=TODAY).document_type == "ID"
    bad = parse_mrz([edit(card[0], 0, "P<"), *card[1:]], today=TODAY)
    assert codes(list(bad.errors)) == [("document_type", "invalid_document_type")]


# --- Names ------------------------------------------------------------------


def name_line(name: str) -> str:
    return PASSPORT[0][:5] + name.ljust(39, "<")


@pytest.mark.parametrize(
    ("field", "surname", "given_names"),
    [
        ("ERIKSSON<<ANNA<MARIA", "ERIKSSON", "ANNA MARIA"),
        ("VAN<DER<MUELLEN<<MARTIN", "VAN DER MUELLEN", "MARTIN"),
        ("ARKFREITH", "ARKFREITH", ""),
        ("SATRIYA<SUDARPA", "SATRIYA SUDARPA", ""),
        ("<<SURYA", "", "SURYA"),  # No primary identifier, as some states print mononyms.
        # Truncated: the field ends on a letter.
        ("NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K", "NILAVADHANANANDA", "CHAYAPA DEJTHAMRONG K"),
    ],
)
def test_names(field: str, surname: str, given_names: str) -> None:
    mrz = parse_mrz([name_line(field), PASSPORT[1]], today=TODAY)
    assert mrz.valid, mrz.errors
    assert (mrz.surname, mrz.given_names) == (surname, given_names)


@pytest.mark.parametrize(
    ("field", "code", "surname", "given_names"),
    [
        ("ERIKSSON<<ANNA<<MARIA", "invalid_name", "ERIKSSON", "ANNA MARIA"),
        ("ERIKSSON<<<ANNA", "invalid_name", "ERIKSSON", "ANNA"),
        ("ERIKSSON<<ANNA<<<<<<<<<<<X", "invalid_name", "ERIKSSON", "ANNA X"),
        ("<ERIKSSON<<ANNA", "invalid_name", "ERIKSSON", "ANNA"),
        ("ERIKSS0N<<ANNA", "invalid_character", "ERIKSS0N", "ANNA"),
        ("", "missing", "", ""),
    ],
)
def test_bad_names(field: str, code: str, surname: str, given_names: str) -> None:
    mrz = parse_mrz([name_line(field), PASSPORT[1]], today=TODAY)
    assert codes(list(mrz.errors)) == [("name", code)]
    assert (mrz.surname, mrz.given_names) == (surname, given_names)


# --- Document numbers -------------------------------------------------------


def test_missing_document_number() -> None:
    line2 = with_checks(edit(PASSPORT[1], 0, "<" * 9))
    assert codes(td3(line2=line2)) == [("document_number", "missing")]


def test_td1_long_number_without_a_terminating_filler() -> None:
    card = list(
        generate_td1(
            issuing_state="SAU",
            surname="Ali",
            given_names="",
            document_number="123456789ABCDEFGHIJKLM",  # 22: the longest that fits
            nationality="SAU",
            birth_date=date(1980, 5, 6),
            sex="M",
            expiry_date=date(2030, 5, 6),
        )
    )
    mrz = parse_mrz(card, today=TODAY)
    assert mrz.valid
    assert mrz.document_number == "123456789ABCDEFGHIJKLM"
    assert card[0][14] == "<"
    assert card[0][29] == "<"  # 13 more characters, the check digit, a filler
    card[0] = card[0][:29] + "N"  # the filler after the check digit overwritten
    composite = card[0][5:30] + card[1][0:7] + card[1][8:15] + card[1][18:29]
    card[1] = card[1][:29] + check_digit(composite)
    errors = codes(list(parse_mrz(card, today=TODAY).errors))
    assert ("document_number", "length") in errors


def test_td1_check_digit_filler_without_overflow() -> None:
    card = list(
        generate_td1(
            issuing_state="SAU",
            surname="Ali",
            given_names="",
            document_number="123456789",
            nationality="SAU",
            birth_date=date(1980, 5, 6),
            sex="M",
            expiry_date=date(2030, 5, 6),
        )
    )
    card[0] = edit(card[0], 14, "<")
    errors = codes(list(parse_mrz(card, today=TODAY).errors))
    assert errors == [("document_number", "check_digit"), ("composite", "composite_check_digit")]


def test_td2_long_number_and_optional_data() -> None:
    lines = generate_td2(
        issuing_state="OMN",
        surname="Al Balushi",
        given_names="Salim",
        document_number="AB12345678901",
        nationality="OMN",
        birth_date=date(1985, 7, 8),
        sex="M",
        expiry_date=date(2029, 7, 8),
    )
    assert lines[1][9] == "<"
    mrz = parse_mrz(lines, today=TODAY)
    assert mrz.valid
    assert (mrz.document_number, mrz.optional_data) == ("AB12345678901", "")


def test_td1_second_optional_data() -> None:
    card = generate_td1(
        issuing_state="BHR",
        surname="Ali",
        given_names="Fatima",
        document_number="987654321",
        nationality="BHR",
        birth_date=date(1980, 5, 6),
        sex="F",
        expiry_date=date(2030, 5, 6),
        optional_data="ABC",
        optional_data_2="12345678901",
    )
    mrz = parse_mrz(card, today=TODAY)
    assert mrz.valid
    assert (mrz.optional_data, mrz.optional_data_2) == ("ABC", "12345678901")
    assert "optional_data_2" not in mrz.to_dict()


# --- The result -------------------------------------------------------------


def test_to_dict_is_json_with_exactly_the_documented_keys() -> None:
    line2 = edit(PASSPORT[1], 20, "Q")
    data = parse_mrz([PASSPORT[0], line2], today=TODAY).to_dict()
    assert list(data) == [
        "valid",
        "format",
        "document_type",
        "issuing_state",
        "surname",
        "given_names",
        "document_number",
        "nationality",
        "birth_date",
        "sex",
        "expiry_date",
        "optional_data",
        "errors",
    ]
    assert json.loads(json.dumps(data)) == data
    assert data["birth_date"] == "1970-03-04"
    assert data["errors"] == [
        {"field": "sex", "code": "invalid_sex", "message": "sex 'Q' must be M, F, X or <"}
    ]


def test_unknown_dates_are_null_in_json() -> None:
    line2 = with_checks(edit(PASSPORT[1], 13, "<<<<<<"))
    assert parse_mrz([PASSPORT[0], line2], today=TODAY).to_dict()["birth_date"] is None


def test_results_are_frozen() -> None:
    mrz = parse_mrz(PASSPORT, today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        mrz.valid = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        MRZError("sex", "invalid_sex", "x").code = "y"  # type: ignore[misc]


def test_error_vocabulary() -> None:
    assert {
        "check_digit",
        "composite_check_digit",
        "invalid_date",
        "unknown_country",
        "invalid_character",
        "invalid_sex",
        "invalid_name",
        "invalid_document_type",
        "missing",
        "length",
    } == ERROR_CODES
    assert "composite" in ERROR_FIELDS
    assert "name" in ERROR_FIELDS


def test_the_package_does_not_import_django() -> None:
    code = (
        "import sys, masar.documents, masar.documents.cli;"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
