"""Which words of a name a hit matched, for showing a hit beside the applicant.

The matcher compares normalized tokens (``"Abd al-Rahman"`` is one token ``abdulrahman``);
a page shows the names as written. A written word is marked when one of its own tokens is a
matched token, or, for a word of three letters or more, is part of one (so "Abd" and
"al-Rahman" are both marked for ``abdulrahman``). Pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from masar.screening.names import (
    has_arabic,
    is_somali_spelling,
    name_tokens,
    normalize_latin,
    somali_to_common,
)

_WORDS = re.compile(r"(\s+)")


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool


def _is_matched(word: str, matched: frozenset[str]) -> bool:
    for part in name_tokens(word):
        if part in matched:
            return True
        if len(part) >= 3 and any(part in m for m in matched):
            return True
        # Somali "Abdi" read as Abd al- before the next word (names.abdi_reading).
        if part == "abdi" and any(m.startswith("abdul") for m in matched):
            return True
    return False


def highlight(text: str, matched_tokens: Iterable[str]) -> list[Segment]:
    """``text`` cut into segments (words and the spaces between them), matched words marked."""
    matched = frozenset(t for t in matched_tokens if t)
    # Somali orthography is recognised by the whole name (names.is_somali_spelling):
    # "Cali" alone is not Somali, "Cali Cumar Aadan" is.
    somali = is_somali_spelling(normalize_latin(text).split())
    segments: list[Segment] = []
    for part in _WORDS.split(text):
        if not part:
            continue
        word = part
        if somali and not has_arabic(part):
            word = somali_to_common(normalize_latin(part))
        marked = not part.isspace() and bool(matched) and _is_matched(word, matched)
        segments.append(Segment(part, marked))
    return segments


def shared_tokens(a: str, b: str) -> frozenset[str]:
    """Tokens two names have in common (for hits scored without token pairs)."""
    return frozenset(name_tokens(a)) & frozenset(name_tokens(b))
