"""Bounds an XLSX manifest must keep before any spreadsheet library opens it. Pure: no
Django.

An XLSX file is a zip of XML files. 412 KB of zip can hold one 400 MiB cell (the text
compresses a thousand to one) or a sheet of 3 million rows, and a spreadsheet library
reads a whole sheet into memory. Two checks, in this order:

* :func:`xlsx_directory_check` reads the zip's directory only (no decompression: cheap
  enough for the upload request): the number of members, the uncompressed size each
  declares, their total, and the compression ratio of the large ones.
* :func:`xlsx_content_check` streams every XML member in chunks of 64 KiB, never holding
  more than one chunk and one text run, and refuses a text run (the text of a cell, or
  of a shared string) longer than :data:`MAX_CELL_BYTES` and a sheet with more rows than
  the manifest allows. Python's zip reader never inflates a member past the size it
  declares, so the first check bounds the work of the second. It runs in the worker.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO, Final

MAX_MEMBERS: Final = 256
#: The uncompressed size of one member, and of all of them.
MAX_MEMBER_BYTES: Final = 96 * 1024 * 1024
MAX_TOTAL_BYTES: Final = 160 * 1024 * 1024
#: A member above 1 MiB may not have shrunk more than this (a zip bomb shrinks 1000 times).
MAX_RATIO: Final = 100
#: The longest text of one cell: Excel's own limit is 32,767 characters.
MAX_CELL_BYTES: Final = 128 * 1024
_CHUNK: Final = 64 * 1024
_ROW_TAG: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_LONG_RUN: Final = re.compile(rb"[^<]{%d}" % (MAX_CELL_BYTES + 1))


class XlsxRefused(ValueError):
    """The file breaks one of the bounds; the message says which, for the agent."""


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def xlsx_directory_check(stream: IO[bytes]) -> None:
    """Refuse a zip whose directory declares too much (reads the directory only)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxRefused(f"the XLSX file cannot be read: {exc}") from None
    finally:
        stream.seek(0)
    if len(members) > MAX_MEMBERS:
        raise XlsxRefused(f"the XLSX file holds {len(members)} parts; at most {MAX_MEMBERS}")
    total = 0
    for member in members:
        size = member.file_size
        if size > MAX_MEMBER_BYTES:
            raise XlsxRefused(
                f"the part {member.filename[:80]} unpacks to {_mib(size)}; "
                f"at most {_mib(MAX_MEMBER_BYTES)}"
            )
        if size > 2**20 and size > MAX_RATIO * max(member.compress_size, 1):
            raise XlsxRefused(
                f"the part {member.filename[:80]} unpacks {size // max(member.compress_size, 1)} "
                f"times its packed size; at most {MAX_RATIO}"
            )
        total += size
    if total > MAX_TOTAL_BYTES:
        raise XlsxRefused(
            f"the XLSX file unpacks to {_mib(total)}; at most {_mib(MAX_TOTAL_BYTES)}"
        )


def xlsx_content_check(stream: IO[bytes], *, max_rows: int) -> None:
    """Refuse an over-long cell, or a sheet of more than `max_rows` data rows, by one
    streaming pass over the XML members (after :func:`xlsx_directory_check`)."""
    xlsx_directory_check(stream)
    try:
        with zipfile.ZipFile(stream) as archive:
            for member in archive.infolist():
                if member.filename.endswith((".xml", ".rels")):
                    _scan(archive, member, max_rows)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise XlsxRefused(f"the XLSX file cannot be read: {exc}") from None
    finally:
        stream.seek(0)


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, max_rows: int) -> None:
    is_sheet = member.filename.startswith("xl/worksheets/")
    rows = 0
    carry = b""
    with archive.open(member) as part:
        while chunk := part.read(_CHUNK):
            buffer = carry + chunk
            cut = buffer.rfind(b"<")
            if cut < 0:
                cut = len(buffer)
            # Everything before the last "<" holds whole tags: a tag cut by the chunk
            # boundary starts at that "<" and is read with the next chunk.
            whole, carry = buffer[:cut], buffer[cut:]
            if len(carry) > MAX_CELL_BYTES or _LONG_RUN.search(whole):
                raise XlsxRefused(
                    f"a cell of {member.filename[:80]} holds more than "
                    f"{MAX_CELL_BYTES // 1024} KiB of text"
                )
            if is_sheet:
                rows += len(_ROW_TAG.findall(whole))
                if rows > max_rows + 1:  # the header row, then the data rows
                    raise XlsxRefused(f"the sheet has more than {max_rows} rows")
    if is_sheet and _ROW_TAG.search(carry):
        rows += 1
        if rows > max_rows + 1:
            raise XlsxRefused(f"the sheet has more than {max_rows} rows")
