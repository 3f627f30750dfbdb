"""Holder names in the MRZ: transliteration and truncation (ICAO Doc 9303 Part 3).

The MRZ writes a name as the primary identifier (surname), ``<<``, then the
secondary identifiers (given names), with ``<`` between the parts of each and
fillers to the end of the field; only ``A``-``Z`` may appear.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Doc 9303 Part 3 section 6, Latin table: where the standard's first choice is
# not simply the letter without its accent (German umlauts, Nordic letters,
# ligatures, letters with a stroke that Unicode does not decompose).
_TRANSLITERATIONS: Final = {
    "Ä": "AE",
    "Å": "AA",
    "Æ": "AE",
    "Ð": "D",
    "Ö": "OE",
    "Ø": "OE",
    "Ü": "UE",
    "ẞ": "SS",
    "Þ": "TH",
    "Ĳ": "IJ",
    "Œ": "OE",
    "Ł": "L",
    "Đ": "D",
    "Ħ": "H",
    "Ŀ": "L",
    "Ŋ": "N",
    "Ŧ": "T",
    "ı": "I",
}
# Hyphens, spaces and commas separate name parts; apostrophes and full stops are
# dropped (Doc 9303 Part 3 section 4.6: O'CONNOR -> OCONNOR, SMITH-JONES -> SMITH<JONES).
_SEPARATORS: Final = frozenset(" \t\n\r\u00a0-\u2010\u2011\u2012\u2013\u2014,")
_DROPPED: Final = frozenset("'\u2018\u2019\u02bc\u02bb`\u00b4.")
_FILLERS_RE: Final = re.compile(r"<{2,}")


def transliterate(text: str) -> str:
    """Return ``text`` in the MRZ alphabet, name parts joined by single ``<``.

    Upper-cases, applies the Doc 9303 Latin transliterations (``Ä`` -> ``AE``,
    ``ß`` -> ``SS``), removes other accents, turns spaces, hyphens and commas into
    ``<`` and drops apostrophes and full stops. Raises :class:`ValueError` for
    digits or letters outside the Latin script (transliterate Arabic or Cyrillic
    names before calling).
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text).upper():
        if "A" <= char <= "Z":
            out.append(char)
        elif char in _SEPARATORS:
            out.append("<")
        elif char in _DROPPED:
            continue
        elif char in _TRANSLITERATIONS:
            out.append(_TRANSLITERATIONS[char])
        else:
            for part in unicodedata.normalize("NFKD", char):
                if "A" <= part <= "Z":
                    out.append(part)
                elif not unicodedata.combining(part):
                    raise ValueError(f"{char!r} in {text!r} has no MRZ transliteration")
    return _FILLERS_RE.sub("<", "".join(out)).strip("<")


def _shorten(parts: list[str], room: int, *, expand: bool) -> str:
    """Fit name parts into ``room`` characters, Doc 9303 Part 3 section 4.6 style.

    Reduces parts to initials from the last one back. The first part reduced
    then takes back as many letters as still fit when ``expand`` is set, or when
    it is the very first part (a long single surname is cut, not made an
    initial). If even all initials do not fit, the joined parts are cut.
    """
    for keep in range(len(parts), -1, -1):
        shortened = parts[:keep] + [part[0] for part in parts[keep:]]
        text = "<".join(shortened)
        if len(text) <= room:
            if keep < len(parts) and (expand or keep == 0):
                shortened[keep] = parts[keep][: 1 + room - len(text)]
                text = "<".join(shortened)
            return text
    return "<".join(parts)[:room].rstrip("<")


def format_name(surname: str, given_names: str, length: int) -> str:
    """Return the MRZ name field: primary identifier, ``<<``, secondary identifiers.

    Both names are transliterated (see :func:`transliterate`) and the result is
    padded with ``<`` to ``length``. A name too long is truncated as Doc 9303
    Part 3 section 4.6 allows: given names are reduced to initials from the last
    one back (the first reduced keeps what letters still fit); a surname too long
    to leave room for an initial is first reduced the same way, and cut when even
    initials do not fit.
    """
    primary = [p for p in transliterate(surname).split("<") if p]
    secondary = [p for p in transliterate(given_names).split("<") if p]
    if not primary and not secondary:
        raise ValueError("a name needs a surname or given names")
    text = "<".join(primary)
    if secondary:
        full = f"{text}<<{'<'.join(secondary)}"
        if len(full) <= length:
            return full.ljust(length, "<")
        if len(text) > length - 3:  # leave room for "<<" and one initial
            text = _shorten(primary, length - 3, expand=False)
        text = f"{text}<<{_shorten(secondary, length - len(text) - 2, expand=True)}"
    elif len(text) > length:
        text = _shorten(primary, length, expand=True)
    return text.ljust(length, "<")
