"""C40 encoding of upper-case alphanumeric strings (ISO/IEC 16022, as ICAO Doc 9303-13 uses it).

Three characters become two bytes: with C40 values ``u1, u2, u3`` (space 3, digits
4-13, letters 14-39) the 16-bit value ``1600*u1 + 40*u2 + u3 + 1`` is written big
endian. Two characters left over are completed with the value 0 (shift 1); one left
over is written as ``0xFE`` and its ASCII code plus one. The MRZ filler ``<`` is
encoded as a space. Only space, ``0``-``9`` and ``A``-``Z`` (and ``<``) can be
encoded; the shift sets of Data Matrix are not used by seals and are rejected
when decoding, so that every byte string decodes to at most one text and back.
"""

from __future__ import annotations

import re
import struct
from typing import Final

from masar.visas.seal.errors import C40, SealFormatError

_ALPHABET: Final = " 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUE_OF: Final = {char: index + 3 for index, char in enumerate(_ALPHABET)}
#: str.translate table: each character to the code point of its C40 value ("<" as space).
_TO_VALUES: Final = {ord(char): value for char, value in _VALUE_OF.items()} | {ord("<"): 3}
_CHAR_OF: Final = {value: char for char, value in _VALUE_OF.items()}
_ENCODABLE_RE: Final = re.compile(r"[ 0-9A-Z<]*")
_SHIFT_1: Final = 0
_SINGLE: Final = 0xFE


def c40_encode(text: str) -> bytes:
    """Encode ``text`` (space, ``<``, digits, upper-case letters) as C40 bytes.

    ``<`` is written as a space, as Doc 9303-13 requires for MRZ fillers. The
    result has ``2 * ceil(len(text) / 3)`` bytes. Raises :class:`ValueError` for
    any other character.
    """
    if not _ENCODABLE_RE.fullmatch(text):
        bad = "".join(sorted(set(re.sub(r"[ 0-9A-Z<]", "", text))))
        raise ValueError(f"C40 encodes only A-Z, 0-9, space and '<'; got {bad!r}")
    values = text.translate(_TO_VALUES).encode("latin-1")
    whole = len(values) - len(values) % 3
    it = iter(values[:whole])
    words = [1600 * a + 40 * b + c + 1 for a, b, c in zip(it, it, it, strict=True)]
    out = struct.pack(f">{len(words)}H", *words)
    rest = values[whole:]
    if len(rest) == 2:
        out += struct.pack(">H", 1600 * rest[0] + 40 * rest[1] + _SHIFT_1 + 1)
    elif len(rest) == 1:
        out += bytes((_SINGLE, ord(text[-1].replace("<", " ")) + 1))
    return out


def c40_length(characters: int) -> int:
    """The number of bytes :func:`c40_encode` makes of ``characters`` characters."""
    return 2 * -(-characters // 3)


_BAD: Final = "\0"  # stands for a shift character or a word out of range


def _pairs() -> tuple[str, ...]:
    """Index ``word // 40`` -> its first two characters (``_BAD`` where one is a shift)."""
    pairs = [_BAD * 2] * 1601  # index 1600 (and -1, from the word 0) are out of range
    for first in range(40):
        for second in range(40):
            if first in _CHAR_OF and second in _CHAR_OF:
                pairs[first * 40 + second] = _CHAR_OF[first] + _CHAR_OF[second]
    return tuple(pairs)


_PAIRS: Final = _pairs()
_LAST: Final = tuple(_CHAR_OF.get(value, _BAD) for value in range(40))


def _error(data: bytes) -> SealFormatError:
    """The error for C40 data the fast path refused, naming the first bad pair."""
    last = len(data) - 2
    for pos in range(0, len(data), 2):
        first, second = data[pos], data[pos + 1]
        if first == _SINGLE:
            if pos != last or chr(max(second - 1, 0)) not in _VALUE_OF:
                return SealFormatError(C40, f"bad C40 single-character pair at byte {pos}")
            continue
        word = (first << 8 | second) - 1
        if not 0 <= word < 64000:
            return SealFormatError(C40, f"C40 value out of range at byte {pos}")
        values: tuple[int, ...] = (word // 1600, word // 40 % 40, word % 40)
        if pos == last and values[2] == _SHIFT_1:
            values = values[:2]
        if any(value not in _CHAR_OF for value in values):
            return SealFormatError(C40, f"C40 shift character at byte {pos}")
    return SealFormatError(C40, "bad C40 data")


def c40_decode(data: bytes) -> str:
    """Decode C40 bytes to text (fillers come back as spaces).

    Raises :class:`SealFormatError` (code ``c40``) for an odd length, a value
    past 64000, a shift character other than the final padding, or ``0xFE``
    anywhere but in the last pair.
    """
    size = len(data)
    if size % 2:
        raise SealFormatError(C40, f"C40 data has an odd number of bytes ({size})")
    if not size:
        return ""
    words = struct.unpack(f">{size // 2}H", data)
    last = words[-1]
    try:
        # Two-character lookups keep this fast: a seal holds some 40 such words.
        text = "".join([_PAIRS[(word - 1) // 40] + _LAST[(word - 1) % 40] for word in words[:-1]])
        if last >> 8 == _SINGLE:
            tail = chr((last & 0xFF) - 1)
            if tail not in _VALUE_OF:
                tail = _BAD
        elif (last - 1) % 40 == _SHIFT_1:
            tail = _PAIRS[(last - 1) // 40]
        else:
            tail = _PAIRS[(last - 1) // 40] + _LAST[(last - 1) % 40]
    except (IndexError, ValueError):
        raise _error(data) from None
    if _BAD in text or _BAD in tail:
        raise _error(data)
    return text + tail
