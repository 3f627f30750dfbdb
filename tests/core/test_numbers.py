"""Numbers and amounts by language (masar.core.numbers): grouped, rounded, in riyals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masar.core.numbers import compact_format, number_format, riyals_format


@pytest.mark.parametrize(
    ("value", "language", "decimals", "digits", "expected"),
    [
        (Decimal("2000000.00"), "ar", 2, False, "2,000,000.00"),
        (Decimal("2000000.00"), "en", 2, False, "2,000,000.00"),
        (Decimal("2000000.00"), "ar", 2, True, "٢٬٠٠٠٬٠٠٠٫٠٠"),
        # the digits setting is for Arabic pages only
        (Decimal("2000000.00"), "en", 2, True, "2,000,000.00"),
        (1234567, "ar", 0, False, "1,234,567"),
        (999, "en", 0, False, "999"),
        (Decimal("0.005"), "en", 2, False, "0.01"),
        (Decimal("-0.001"), "en", 2, False, "0.00"),
        (-1500, "en", 0, False, "-1,500"),
    ],
)
def test_numbers_are_grouped_for_the_language(
    value: object, language: str, decimals: int, digits: bool, expected: str
) -> None:
    assert number_format(value, language, decimals=decimals, arabic_digits=digits) == expected


def test_what_is_not_a_number_is_shown_as_it_is() -> None:
    assert number_format(None, "ar") == ""
    assert number_format("—", "ar") == "—"
    assert number_format(float("nan"), "en") == "nan"
    assert riyals_format(None, "en") == ""


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (Decimal("2000000"), "ar", "2,000,000.00 ر.س"),
        (Decimal("2000000"), "en", "SAR 2,000,000.00"),
        (Decimal("1500.5"), "en", "SAR 1,500.50"),
    ],
)
def test_amounts_carry_the_riyal(value: Decimal, language: str, expected: str) -> None:
    assert riyals_format(value, language) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (2_000_000, "en", "2M"),
        (2_000_000, "ar", "2 مليون"),
        (2_450_000, "en", "2.5M"),
        (1_250_000_000, "ar", "1.3 مليار"),
        (12_300, "en", "12.3K"),
        (950, "en", "950"),
        (-3_000_000, "en", "-3M"),
    ],
)
def test_the_compact_form_fits_a_tile(value: int, language: str, expected: str) -> None:
    assert compact_format(value, language) == expected


def test_compact_riyals() -> None:
    assert riyals_format(2_000_000, "en", compact=True) == "SAR 2M"
    assert riyals_format(2_000_000, "ar", compact=True, arabic_digits=True) == "٢ مليون ر.س"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_grouping_never_changes_the_value(value: Decimal) -> None:
    text = number_format(value, "en", decimals=2)
    assert Decimal(text.replace(",", "")) == value
    arabic = number_format(value, "ar", decimals=2, arabic_digits=True)
    back = arabic.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩\u066b", "0123456789.", "\u066c"))
    assert Decimal(back) == value
    # groups of three digits between separators
    whole = text.lstrip("-").split(".")[0].split(",")
    assert all(len(g) == 3 for g in whole[1:]) and 1 <= len(whole[0]) <= 3
