"""Tag-length-value items of a seal's message and signature zones (DER length rules).

A tag is one byte; the length is DER encoded (one byte below 128, else ``0x81 nn``
or ``0x82 nn nn``); the value follows. Decoding insists on the shortest length
form, so each item has exactly one encoding.
"""

from __future__ import annotations

from masar.visas.seal.errors import LENGTH, TRUNCATED, SealFormatError

#: Longest value this module writes or reads (two length bytes); a seal is far smaller.
MAX_LENGTH = 0xFFFF


def der_length(length: int) -> bytes:
    """The DER encoding of ``length`` (0 to 65535)."""
    if length < 0x80:
        return bytes((length,))
    if length <= 0xFF:
        return bytes((0x81, length))
    if length <= MAX_LENGTH:
        return bytes((0x82, length >> 8, length & 0xFF))
    raise ValueError(f"a seal item cannot be {length} bytes long")


def tlv(tag: int, value: bytes) -> bytes:
    """One item: ``tag``, the DER length of ``value``, then ``value``."""
    return bytes((tag,)) + der_length(len(value)) + value


def read_tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """Read the item at ``pos``; return its tag, its value and the position after it.

    Raises :class:`SealFormatError` (``truncated`` or ``length``) when the item runs
    past the end of ``data`` or its length is not in the shortest DER form.
    """
    end = len(data)
    if pos + 2 > end:
        raise SealFormatError(TRUNCATED, f"item at byte {pos} is cut short")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    elif first in (0x81, 0x82):
        size = first - 0x80
        if pos + size > end:
            raise SealFormatError(TRUNCATED, f"length of the item at byte {pos - 2} is cut short")
        length = int.from_bytes(data[pos : pos + size])
        pos += size
        if length < (0x80 if size == 1 else 0x100):
            raise SealFormatError(LENGTH, f"length of the item at byte {pos - size - 2} is not DER")
    else:
        raise SealFormatError(LENGTH, f"unsupported length byte 0x{first:02X} at byte {pos - 1}")
    if pos + length > end:
        raise SealFormatError(TRUNCATED, f"value of the item with tag 0x{tag:02X} is cut short")
    return tag, data[pos : pos + length], pos + length
