"""``masar mrz check``: JSON on stdout and exit status 0 (valid), 1 (not), 2 (unusable)."""

from __future__ import annotations

import json

import pytest

from masar.documents.cli import main

TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
TD1 = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
]
SPECIMEN = ["--allow-specimen", "--today", "2025-06-01"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_mrz_exits_0_with_the_parsed_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", *SPECIMEN, *TD3)
    assert (code, err) == (0, "masar mrz: warning: the document expired on 2012-04-15\n")
    data = json.loads(out)
    assert out.count("\n") == 1  # one JSON object, one line
    assert data == {
        "valid": True,
        "format": "TD3",
        "document_type": "P",
        "issuing_state": "UTO",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": "1974-08-12",
        "sex": "F",
        "expiry_date": "2012-04-15",
        "optional_data": "ZE184226B",
        "errors": [],
        "expired": True,
    }


def test_three_lines_and_options_after_the_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", *TD1, "--allow-specimen")
    assert code == 0
    assert json.loads(out)["format"] == "TD1"


def test_one_argument_with_newlines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", *SPECIMEN, "\n".join(TD3).lower())
    assert code == 0
    assert json.loads(out)["document_number"] == "L898902C3"


def test_invalid_mrz_exits_1_with_its_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--today", "2011-01-01", *TD3)  # Utopia: no ICAO code
    assert (code, err) == (
        1,
        "masar mrz: 'UTO' is the code of ICAO's specimens, not of a state; "
        "add --allow-specimen to read a specimen\n",
    )
    data = json.loads(out)
    assert data["valid"] is False
    assert [(e["field"], e["code"]) for e in data["errors"]] == [
        ("issuing_state", "unknown_country"),
        ("nationality", "unknown_country"),
    ]


def test_wrong_check_digit_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    line2 = TD3[1][:9] + "7" + TD3[1][10:]
    code, out, _ = run(capsys, "check", *SPECIMEN, TD3[0], line2)
    assert code == 1
    assert {e["code"] for e in json.loads(out)["errors"]} == {
        "check_digit",
        "composite_check_digit",
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", TD3[0]], "got 1 line(s) of length 44"),
        (["check", TD3[0], TD3[1][:40]], "of length 44, 40"),
        (["check", TD3[0], TD3[1].replace("<", "-")], "outside the MRZ alphabet"),
        (["check", *TD1, TD1[0]], "got 4 line(s)"),
    ],
)
def test_unusable_input_exits_2_with_a_message_on_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("masar mrz: ")
    assert message in err


@pytest.mark.parametrize(
    "argv",
    [[], ["check"], ["nonsense"], ["check", "--today", "yesterday", *TD3]],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "usage: masar mrz" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0
    assert "0 valid, 1 not valid, 2 not an MRZ" in out
