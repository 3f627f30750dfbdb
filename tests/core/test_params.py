from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masar.core.params import MAX_DB_INT, is_whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", True),
        ("42", True),
        (str(MAX_DB_INT), True),
        (str(MAX_DB_INT + 1), False),
        ("²", False),  # a digit to str.isdigit, refused by int()
        ("٣", False),  # an Arabic-Indic digit: int() reads it, the database id is not meant
        ("-3", False),
        ("", False),
        (" 4", False),
        ("4.0", False),
    ],
)
def test_is_whole_number(text, expected):
    assert is_whole_number(text) is expected


@given(st.text(max_size=30))
def test_whatever_it_accepts_int_reads_and_a_database_integer_holds(text):
    if is_whole_number(text):
        assert 0 <= int(text) <= MAX_DB_INT
