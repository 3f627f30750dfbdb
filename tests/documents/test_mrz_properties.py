"""Property-based tests: generate-then-parse round trips, and what check digits catch.

What the 7-3-1 check digit guarantees: replacing one character of a checked
field changes the weighted sum by ``(new - old) * weight``, with ``weight`` 7, 3
or 1 and character values 0-35. As 7, 3 and 1 are all coprime with 10, the
check digit changes exactly when ``(new - old) % 10 != 0``. So the scheme
catches every single substitution *except* those between values that differ by
a multiple of 10: ``<`` and ``0`` (both 0), ``0``/``A``/``K``/``U`` (0, 10, 20,
30), ``1``/``B``/``L``/``V`` and so on. The properties below assert detection
exactly in the guaranteed cases, and its absence in the others, and the same
for the composite check digit, which covers each checked field again.
"""

from __future__ import annotations

import string
from datetime import date
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from masar.documents import (
    ERROR_CODES,
    ERROR_FIELDS,
    MRZFormatError,
    check_digit,
    format_name,
    generate_mrva,
    generate_mrvb,
    generate_td1,
    generate_td2,
    generate_td3,
    parse_mrz,
)
from masar.documents.codes import ICAO_CODES

TODAY = date(2025, 6, 1)
ALPHABET = string.digits + string.ascii_uppercase + "<"
ALNUM = string.digits + string.ascii_uppercase


def value(char: str) -> int:
    return 0 if char == "<" else ALPHABET.index(char)


# Two-digit years are read relative to TODAY: a birth date is at most 99 years
# old (and not in the future), an expiry date within 49 years back, 50 ahead.
birth_dates = st.dates(min_value=date(TODAY.year - 99, 1, 1), max_value=TODAY)
expiry_dates = st.dates(
    min_value=date(TODAY.year - 49, 1, 1), max_value=date(TODAY.year + 50, 12, 31)
)
countries = st.sampled_from(sorted(ICAO_CODES))
sexes = st.sampled_from(["M", "F", "X"])
name_parts = st.lists(st.text(string.ascii_uppercase, min_size=1, max_size=12), max_size=3)


def numbers(max_size: int) -> st.SearchStrategy[str]:
    return st.text(ALNUM, min_size=1, max_size=max_size)


def optional(max_size: int) -> st.SearchStrategy[str]:
    return st.text(ALPHABET, max_size=max_size)


@st.composite
def people(draw: st.DrawFn, name_length: int) -> dict[str, Any]:
    """Data of a holder whose name fits the field untruncated."""
    surname = draw(name_parts)
    given_names = draw(name_parts)
    assume(surname or given_names)
    assume(len("<".join(surname)) + 2 + len("<".join(given_names)) <= name_length)
    return {
        "issuing_state": draw(countries),
        "nationality": draw(countries),
        "surname": " ".join(surname),
        "given_names": " ".join(given_names),
        "birth_date": draw(st.none() | birth_dates),
        "sex": draw(sexes),
        "expiry_date": draw(expiry_dates),
    }


def assert_round_trip(lines: tuple[str, ...], person: dict[str, Any], fmt: str) -> Any:
    mrz = parse_mrz(lines, today=TODAY)
    assert mrz.errors == ()
    assert mrz.valid
    assert mrz.format == fmt
    assert mrz.issuing_state == person["issuing_state"]
    assert mrz.nationality == person["nationality"]
    assert mrz.surname == person["surname"]
    assert mrz.given_names == person["given_names"]
    assert mrz.birth_date == person["birth_date"]
    assert mrz.sex == person["sex"]
    assert mrz.expiry_date == person["expiry_date"]
    assert mrz.lines == lines
    return mrz


@given(people(39), numbers(9), optional(14))
def test_td3_round_trip(person: dict[str, Any], number: str, data: str) -> None:
    lines = generate_td3(**person, document_number=number, optional_data=data)
    assert [len(line) for line in lines] == [44, 44]
    mrz = assert_round_trip(lines, person, "TD3")
    assert mrz.document_number == number
    assert mrz.optional_data == data.rstrip("<")


@given(people(30), numbers(22), optional(15), optional(11))
def test_td1_round_trip(person: dict[str, Any], number: str, data: str, data_2: str) -> None:
    data = data.rstrip("<")
    # A number past nine characters takes its overflow, check digit and a filler.
    assume(len(number) <= 9 or len(number) - 9 + 2 + len(data) <= 15)
    lines = generate_td1(
        **person, document_number=number, optional_data=data, optional_data_2=data_2
    )
    assert [len(line) for line in lines] == [30, 30, 30]
    mrz = assert_round_trip(lines, person, "TD1")
    assert mrz.document_number == number
    assert mrz.optional_data == data
    assert mrz.optional_data_2 == data_2.rstrip("<")


@given(people(31), numbers(14), optional(7))
def test_td2_round_trip(person: dict[str, Any], number: str, data: str) -> None:
    data = data.rstrip("<")
    assume(len(number) <= 9 or len(number) - 9 + 2 + len(data) <= 7)
    lines = generate_td2(**person, document_number=number, optional_data=data)
    assert [len(line) for line in lines] == [36, 36]
    mrz = assert_round_trip(lines, person, "TD2")
    assert mrz.document_number == number
    assert mrz.optional_data == data


@given(people(39), numbers(9), optional(16))
def test_mrva_round_trip(person: dict[str, Any], number: str, data: str) -> None:
    lines = generate_mrva(**person, document_number=number, optional_data=data)
    mrz = assert_round_trip(lines, person, "MRV-A")
    assert mrz.document_number == number
    assert mrz.optional_data == data.rstrip("<")


@given(people(31), numbers(9), optional(8))
def test_mrvb_round_trip(person: dict[str, Any], number: str, data: str) -> None:
    lines = generate_mrvb(**person, document_number=number, optional_data=data)
    mrz = assert_round_trip(lines, person, "MRV-B")
    assert mrz.document_number == number
    assert mrz.optional_data == data.rstrip("<")


latin_names = st.text(alphabet=st.sampled_from(list("abcxyzABCXYZéèüöäåøæßœłñçğş -'")), max_size=60)


@given(latin_names, latin_names, st.sampled_from([39, 31, 30]))
def test_any_latin_name_gives_a_valid_field(surname: str, given_names: str, length: int) -> None:
    try:
        field = format_name(surname, given_names, length)
    except ValueError:
        assume(False)
        raise
    assert len(field) == length
    assert set(field) <= set(string.ascii_uppercase + "<")
    assert not field.startswith("<") or field.startswith("<<")
    text = field.rstrip("<")
    assert "<<<" not in text
    assert text.count("<<") <= 1
    lines = generate_td3(
        issuing_state="SAU",
        surname=surname,
        given_names=given_names,
        document_number="A1",
        nationality="SAU",
        birth_date=None,
        sex="X",
        expiry_date=None,
    )
    assert parse_mrz(lines, today=TODAY).valid


@given(people(39), numbers(9), optional(14), st.data())
@settings(max_examples=300)
def test_td3_single_substitutions(
    person: dict[str, Any], number: str, data: str, draw: st.DataObject
) -> None:
    line1, line2 = generate_td3(**person, document_number=number.ljust(9, "0"), optional_data=data)
    checked = {
        "document_number": (0, 9),
        "birth_date": (13, 19),
        "expiry_date": (21, 27),
        "optional_data": (28, 42),
    }
    field = draw.draw(st.sampled_from(sorted(checked)))
    start, stop = checked[field]
    position = draw.draw(st.integers(start, stop - 1))
    old = line2[position]
    new = draw.draw(st.sampled_from(ALPHABET).filter(lambda char: char != old))
    mutated = line2[:position] + new + line2[position + 1 :]
    mrz = parse_mrz([line1, mutated], today=TODAY)
    detected = (value(new) - value(old)) % 10 != 0
    # Empty optional data has a filler for check digit, which stops being
    # acceptable once the field holds anything, whatever its value ("0" too).
    field_detected = detected or (field == "optional_data" and line2[42] == "<")
    check_errors = {e.field for e in mrz.errors if e.code == "check_digit"}
    composite_errors = [e for e in mrz.errors if e.code == "composite_check_digit"]
    assert check_errors == ({field} if field_detected else set())
    assert bool(composite_errors) == detected
    if field_detected:
        assert not mrz.valid


@given(people(39), numbers(9), optional(14), st.data())
def test_td3_check_digit_substitutions(
    person: dict[str, Any], number: str, data: str, draw: st.DataObject
) -> None:
    line1, line2 = generate_td3(**person, document_number=number, optional_data=data)
    fields = {9: (0, 9), 19: (13, 19), 27: (21, 27), 42: (28, 42)}
    names = {9: "document_number", 19: "birth_date", 27: "expiry_date", 42: "optional_data"}
    position = draw.draw(st.sampled_from([9, 19, 27, 42, 43]))
    old = line2[position]
    new = draw.draw(st.sampled_from(ALPHABET).filter(lambda char: char != old))
    mutated = line2[:position] + new + line2[position + 1 :]
    mrz = parse_mrz([line1, mutated], today=TODAY)
    check_errors = {e.field for e in mrz.errors if e.code == "check_digit"}
    composite = any(e.code == "composite_check_digit" for e in mrz.errors)
    if position == 43:
        assert check_errors == set()
        assert composite  # Any other character in the composite position is wrong.
        return
    start, stop = fields[position]
    checked = line2[start:stop]
    # A field of fillers only may show its check digit as "<" or "0".
    accepted = {check_digit(checked)} | ({"<"} if not checked.strip("<") else set())
    assert check_errors == (set() if new in accepted else {names[position]})
    assert composite == ((value(new) - value(old)) % 10 != 0)


@given(people(30), numbers(9), optional(15), optional(11), st.data())
@settings(max_examples=200)
def test_td1_single_substitutions(
    person: dict[str, Any], number: str, data: str, data_2: str, draw: st.DataObject
) -> None:
    lines = list(
        generate_td1(
            **person,
            document_number=number.ljust(9, "0"),
            optional_data=data,
            optional_data_2=data_2,
        )
    )
    # (line, start, stop, field checked besides the composite)
    spans = [
        (0, 5, 14, "document_number"),
        (0, 15, 30, None),  # optional data: composite only
        (1, 0, 6, "birth_date"),
        (1, 8, 14, "expiry_date"),
        (1, 18, 29, None),  # optional data 2: composite only
    ]
    row, start, stop, field = draw.draw(st.sampled_from(spans))
    position = draw.draw(st.integers(start, stop - 1))
    old = lines[row][position]
    new = draw.draw(st.sampled_from(ALPHABET).filter(lambda char: char != old))
    lines[row] = lines[row][:position] + new + lines[row][position + 1 :]
    mrz = parse_mrz(lines, today=TODAY)
    detected = (value(new) - value(old)) % 10 != 0
    check_errors = {e.field for e in mrz.errors if e.code == "check_digit"}
    composite = any(e.code == "composite_check_digit" for e in mrz.errors)
    assert check_errors == ({field} if detected and field else set())
    assert composite == detected


@given(people(31), numbers(9), optional(7), st.data())
def test_td2_single_substitutions(
    person: dict[str, Any], number: str, data: str, draw: st.DataObject
) -> None:
    line1, line2 = generate_td2(**person, document_number=number.ljust(9, "0"), optional_data=data)
    spans = [
        (0, 9, "document_number"),
        (13, 19, "birth_date"),
        (21, 27, "expiry_date"),
        (28, 35, None),
    ]
    start, stop, field = draw.draw(st.sampled_from(spans))
    position = draw.draw(st.integers(start, stop - 1))
    old = line2[position]
    new = draw.draw(st.sampled_from(ALPHABET).filter(lambda char: char != old))
    mrz = parse_mrz([line1, line2[:position] + new + line2[position + 1 :]], today=TODAY)
    detected = (value(new) - value(old)) % 10 != 0
    check_errors = {e.field for e in mrz.errors if e.code == "check_digit"}
    composite = any(e.code == "composite_check_digit" for e in mrz.errors)
    assert check_errors == ({field} if detected and field else set())
    assert composite == detected


@given(people(39), numbers(9), optional(16), st.booleans(), st.data())
def test_visa_single_substitutions(
    person: dict[str, Any], number: str, data: str, wide: bool, draw: st.DataObject
) -> None:
    generate = generate_mrva if wide else generate_mrvb
    assume(len(person["surname"]) + len(person["given_names"]) + 2 <= 31 or wide)
    line1, line2 = generate(
        **person, document_number=number.ljust(9, "0"), optional_data=data[: 16 if wide else 8]
    )
    spans = [
        (0, 9, "document_number"),
        (13, 19, "birth_date"),
        (21, 27, "expiry_date"),
        (28, len(line2), None),  # optional data: no check digit at all
    ]
    start, stop, field = draw.draw(st.sampled_from(spans))
    position = draw.draw(st.integers(start, stop - 1))
    old = line2[position]
    new = draw.draw(st.sampled_from(ALPHABET).filter(lambda char: char != old))
    mrz = parse_mrz([line1, line2[:position] + new + line2[position + 1 :]], today=TODAY)
    detected = (value(new) - value(old)) % 10 != 0
    check_errors = {e.field for e in mrz.errors if e.code == "check_digit"}
    assert check_errors == ({field} if detected and field else set())
    assert not any(e.code == "composite_check_digit" for e in mrz.errors)


def test_data_in_empty_optional_data_is_caught_even_when_its_value_is_zero() -> None:
    line1, line2 = generate_td3(
        issuing_state="SAU",
        surname="Ali",
        given_names="",
        document_number="A1",
        nationality="SAU",
        birth_date=None,
        sex="M",
        expiry_date=None,
    )
    assert line2[28:43] == "<" * 15
    mrz = parse_mrz([line1, line2[:28] + "0" + line2[29:]], today=TODAY)
    assert [(e.field, e.code) for e in mrz.errors] == [("optional_data", "check_digit")]


def test_the_undetectable_substitutions_are_real() -> None:
    """The documented blind spot: values that differ by a multiple of 10."""
    assert check_digit("L898902C3") == check_digit("L898902C3".replace("0", "<"))
    assert check_digit("AB0") == check_digit("ABA") == check_digit("ABK") == check_digit("ABU")
    assert check_digit("1") == check_digit("B") == check_digit("L") == check_digit("V")


@given(st.lists(st.text(ALPHABET, min_size=30, max_size=30), min_size=3, max_size=3))
def test_any_text_in_the_alphabet_parses_without_raising(lines: list[str]) -> None:
    mrz = parse_mrz(lines, today=TODAY)
    assert mrz.valid == (mrz.errors == ())
    assert {e.code for e in mrz.errors} <= ERROR_CODES
    assert {e.field for e in mrz.errors} <= ERROR_FIELDS


@given(
    st.sampled_from([44, 36]),
    st.text(ALPHABET, min_size=44, max_size=44),
    st.text(ALPHABET, min_size=44, max_size=44),
)
def test_any_two_lines_in_the_alphabet_parse_without_raising(
    width: int, first: str, second: str
) -> None:
    mrz = parse_mrz([first[:width], second[:width]], today=TODAY)
    assert mrz.valid == (mrz.errors == ())
    assert {e.code for e in mrz.errors} <= ERROR_CODES
    assert {e.field for e in mrz.errors} <= ERROR_FIELDS


@given(st.lists(st.text(min_size=1, max_size=50), max_size=4))
def test_arbitrary_text_parses_or_raises_a_format_error(lines: list[str]) -> None:
    try:
        mrz = parse_mrz(lines, today=TODAY)
    except MRZFormatError:
        return
    assert mrz.format in {"TD1", "TD2", "TD3", "MRV-A", "MRV-B"}
