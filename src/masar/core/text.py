"""Text tricks on names: invisible characters, bidi controls and look-alike letters.
Pure Python: no Django.

Two functions:

* :func:`text_clean` is applied to every name *stored* (pilgrims, watchlist entries,
  screening queries): Unicode NFKC, then zero-width, bidi control, other format (Cf)
  and control characters removed, and odd spaces made plain. What remains shows the
  same as before; only what could not be seen is gone.
* :func:`name_skeleton` is applied before *matching*: :func:`text_clean`, then Cyrillic
  and Greek letters that look like Latin ones folded to them (the "skeleton" of Unicode
  TS #39, limited to the letters of those two scripts), in words that mix them with Latin
  letters or that are written only in such look-alikes ("Оѕаmа" in Cyrillic reads as
  "Osama"). A word genuinely written in Cyrillic or Greek is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Final

# Characters that are not seen, or not as characters: removed from names. Beyond the
# format characters (Cf: zero-width space/joiners, bidi marks, embeddings, overrides and
# isolates, word joiner, soft hyphen, BOM, Arabic letter mark...), some invisible ones of
# other categories: combining grapheme joiner, variation selectors, Hangul fillers,
# Khmer inherent vowels, the braille blank.
_EXTRA_INVISIBLE: Final = (
    "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
    + "".join(chr(c) for c in range(0xE0100, 0xE01F0))
)


# Format characters outside the first plane (Unicode 15/16: Kaithi and Egyptian format
# controls, shorthand format controls, musical symbol beams, the tag characters).
_SUPPLEMENTARY_FORMAT: Final = (
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)


@cache
def _invisible_table() -> dict[int, None]:
    table: dict[int, None] = {}
    for code in range(0x10000):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Cf" or (category == "Cc" and char not in "\t\n\r"):
            table[code] = None
    for first, last in _SUPPLEMENTARY_FORMAT:
        table.update(dict.fromkeys(range(first, last + 1)))
    for char in _EXTRA_INVISIBLE:
        table[ord(char)] = None
    return table


def invisible_characters() -> frozenset[str]:
    """Every character :func:`text_clean` removes (for tests and documentation)."""
    return frozenset(chr(code) for code in _invisible_table())


# Right-to-left and left-to-right embeddings, overrides and isolates, and the marks.
BIDI_CONTROLS: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_SPACES: Final = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")

# Cyrillic and Greek letters that look like Latin ones (after NFKC and lower case would
# be too late: the upper-case forms are folded too).
_CONFUSABLE: Final[dict[str, str]] = {
    # Cyrillic
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K",
    "М": "M", "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "Ү": "Y", "Ԛ": "Q",
    "Ԝ": "W", "Ӏ": "I",
    "а": "a", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "о": "o", "р": "p",
    "ѕ": "s", "х": "x", "у": "y", "ү": "y", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "ɡ": "g",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ϳ": "j",
}  # fmt: skip
_CONFUSABLE_TABLE: Final = str.maketrans(_CONFUSABLE)
_CYRILLIC_GREEK: Final = re.compile("[\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff]")
_LATIN_LETTER: Final = re.compile("[A-Za-z\u00c0-\u024f]")


def text_clean(text: str) -> str:
    """NFKC, invisible and control characters removed, runs of spaces made one space."""
    if text.isascii() and text.isprintable():
        return " ".join(text.split())
    # Removed before NFKC too: an invisible character between a letter and its accent
    # would otherwise keep them from composing.
    invisible = _invisible_table()
    text = unicodedata.normalize("NFKC", text.translate(invisible)).translate(invisible)
    return _SPACES.sub(" ", text).strip()


def _word_skeleton(word: str) -> str:
    if not _CYRILLIC_GREEK.search(word):
        return word
    foreign = [c for c in word if _CYRILLIC_GREEK.match(c)]
    if _LATIN_LETTER.search(word) or all(c in _CONFUSABLE for c in foreign):
        return word.translate(_CONFUSABLE_TABLE)
    return word


def name_skeleton(text: str) -> str:
    """The name as matching reads it: :func:`text_clean`, then look-alike Cyrillic and
    Greek letters folded to Latin in words that mix scripts or use only look-alikes."""
    if text.isascii() and text.isprintable():
        return text
    text = text_clean(text)
    if not _CYRILLIC_GREEK.search(text):
        return text
    return " ".join(_word_skeleton(word) for word in text.split(" "))
