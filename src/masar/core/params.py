"""Numbers from query strings and forms, read safely.

`str.isdigit()` is true for "²" and "٣" (which `int()` rejects or reads as 3) and for numbers
far beyond a database integer (which SQLite and PostgreSQL refuse): either way a 500. Every
id or count taken from a request goes through `is_whole_number` first."""

from __future__ import annotations

MAX_DB_INT = 2**63 - 1


def is_whole_number(text: object) -> bool:
    """ASCII digits only, and small enough for a 64-bit database integer."""
    value = str(text)
    return value.isascii() and value.isdigit() and int(value) <= MAX_DB_INT
