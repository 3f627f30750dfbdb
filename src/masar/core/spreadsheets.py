"""Cells written to files that people open in a spreadsheet program. Pure: no Django."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is run as a formula by spreadsheet programs
# (CSV injection, e.g. "=HYPERLINK(...)" in a company's or a pilgrim's name).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_neutralized(value: Any) -> Any:
    """The value, with text a spreadsheet would run as a formula prefixed by an apostrophe
    so that it is shown as text. Numbers, dates and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
