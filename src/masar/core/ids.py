"""Identifiers that are unique and still kind to an index.

A random (version 4) UUID lands anywhere in a unique index: each insert touches a page that
is probably not in memory, and the first change of a page after a checkpoint writes the whole
page to the write-ahead log. A version 7 UUID (RFC 9562) starts with the Unix time in
milliseconds, then 74 random bits: as unique in practice, and the index only grows at its
right edge (ADR 0078).
"""

from __future__ import annotations

import os
import time
import uuid

_VERSION = 7 << 76
_VARIANT = 0b10 << 62
_CLEAR = ~((0xF << 76) | (0b11 << 62)) & ((1 << 128) - 1)

# The same in PostgreSQL (15 has no uuidv7()): a random UUID whose first 48 bits are
# replaced by the time in milliseconds and whose version nibble 0100 becomes 0111. Its
# variant bits are the random UUID's, already RFC 9562's.
PG_UUID7_SQL = (
    "CAST(encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
    "substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) "
    "FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex') AS uuid)"
)


def uuid7() -> uuid.UUID:
    """A version 7 UUID: 48 bits of Unix time in milliseconds, then random bits."""
    millis = time.time_ns() // 1_000_000
    value = (millis & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    return uuid.UUID(int=(value & _CLEAR) | _VERSION | _VARIANT)
