"""``masar mrz``: check machine readable zones from the command line (pure Python).

``masar mrz check LINE1 LINE2 [LINE3]`` prints the parsed MRZ as one JSON object
and exits 0 when it is valid, 1 when it is not, and 2 when the input is not an
MRZ at all (the reason goes to stderr). A single argument holding newlines is
read as all the lines. The JSON also says whether the document has ``expired`` (by
``--today``); an expired document is still a valid MRZ, with a warning on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime

from masar.documents.codes import SPECIMEN_CODES
from masar.documents.mrz import MRZ, MRZFormatError, parse_mrz

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNUSABLE = 2


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="masar mrz", description="Machine readable zones (ICAO Doc 9303)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="parse and validate an MRZ, print it as JSON",
        description="Exit status: 0 valid, 1 not valid, 2 not an MRZ.",
    )
    check.add_argument("lines", nargs="+", metavar="LINE", help="MRZ lines (2 or 3)")
    check.add_argument(
        "--today",
        type=_iso_date,
        help="date that settles two-digit years (default: today, UTC)",
    )
    check.add_argument(
        "--allow-specimen",
        action="store_true",
        help="accept the fictitious country codes of specimens (UTO)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``masar mrz`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on usage errors.
        return exc.code if isinstance(exc.code, int) else EXIT_UNUSABLE
    lines: str | list[str] = args.lines[0] if len(args.lines) == 1 else args.lines
    try:
        mrz = parse_mrz(lines, today=args.today, allow_specimen=args.allow_specimen)
    except MRZFormatError as exc:
        print(f"masar mrz: {exc}", file=sys.stderr)  # noqa: T201
        return EXIT_UNUSABLE
    today = args.today or datetime.now(tz=UTC).date()
    expired = mrz.expiry_date < today if mrz.expiry_date else None
    for hint in _hints(mrz, allow_specimen=args.allow_specimen, expired=expired):
        print(f"masar mrz: {hint}", file=sys.stderr)  # noqa: T201
    print(json.dumps({**mrz.to_dict(), "expired": expired}, ensure_ascii=False))  # noqa: T201
    return EXIT_VALID if mrz.valid else EXIT_INVALID


def _hints(mrz: MRZ, *, allow_specimen: bool, expired: bool | None) -> list[str]:
    """What a person at the terminal should know beyond the JSON: a specimen's code is
    refused unless asked for, and an expired document is still a valid MRZ."""
    hints = []
    specimen = sorted(
        {
            code
            for code in (mrz.issuing_state, mrz.nationality)
            if code in SPECIMEN_CODES and not allow_specimen
        }
    )
    if specimen:
        hints.append(
            f"{', '.join(map(repr, specimen))} is the code of ICAO's specimens, not of a state; "
            "add --allow-specimen to read a specimen"
        )
    if expired and mrz.expiry_date:
        hints.append(f"warning: the document expired on {mrz.expiry_date.isoformat()}")
    return hints
