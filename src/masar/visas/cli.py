"""``masar visa``: verify visa seals offline and manage the signing keys (pure Python).

``masar visa verify SEAL_FILE --certs DIR [--revocations FILE] [--today DATE]``
reads a seal (raw bytes, base64 or hex text, or a scanner's text; ``-`` for
standard input), verifies it against the certificates in DIR (the CSCA and the
signers, as published), and prints one JSON object. Exit status: 0 valid, 1 any
other verdict, 2 unusable input (a file that cannot be read, no CSCA among the
certificates, a revocation list that does not verify).

``masar visa keys init|rotate|list|export`` creates the CSCA and a first signer,
issues a new signer, lists the published certificates, or writes them as PEM
files for offline verifiers. The key directory is ``--dir``, else
``MASAR_KEYS_DIR`` (default ``var/keys/``); ``MASAR_KEYS_PASSPHRASE`` encrypts
the private keys.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from masar.visas.keys import (
    CSCA_DAYS,
    DEFAULT_COUNTRY,
    DEFAULT_ORGANIZATION,
    DEFAULT_SIGNER_IDENTIFIER,
    DOCUMENT_DAYS,
    SIGNER_USAGE_DAYS,
    KeyStore,
    KeyStoreError,
    PublishedCertificate,
)
from masar.visas.seal.revocation import RevocationListError, revocation_list_load
from masar.visas.seal.verify import TrustStore, TrustStoreError, Verdict, seal_verify

EXIT_OK = 0
EXIT_NOT_VALID = 1
EXIT_UNUSABLE = 2
EXIT_KEYS_FAILED = 1


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"not a positive number of days: {value!r}")
    return days


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="masar visa", description="Visible digital seals of e-visas (ICAO Doc 9303-13)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    verify = commands.add_parser(
        "verify",
        help="verify a seal offline, print the verdict and the visa as JSON",
        description="Exit status: 0 valid, 1 any other verdict, 2 unusable input.",
    )
    verify.add_argument("seal_file", metavar="SEAL_FILE", help="the seal; - for standard input")
    verify.add_argument(
        "--certs", required=True, type=Path, metavar="DIR", help="published certificates (PEM)"
    )
    verify.add_argument("--revocations", type=Path, metavar="FILE", help="signed revocation list")
    verify.add_argument(
        "--today", type=_iso_date, help="the day that decides expiry (default: today, Riyadh)"
    )

    keys = commands.add_parser("keys", help="the signing keys").add_subparsers(
        dest="keys_command", required=True
    )
    directory = argparse.ArgumentParser(add_help=False)
    directory.add_argument("--dir", type=Path, help="key directory (default: MASAR_KEYS_DIR)")
    periods = argparse.ArgumentParser(add_help=False)
    periods.add_argument(
        "--usage-days", type=_days, default=SIGNER_USAGE_DAYS, help="days the signer key signs"
    )
    periods.add_argument(
        "--document-days",
        type=_days,
        default=DOCUMENT_DAYS,
        help="days its certificate stays valid after that",
    )
    init = keys.add_parser(
        "init", parents=[directory, periods], help="create the CSCA and a first signer"
    )
    init.add_argument("--country", default=DEFAULT_COUNTRY, help="issuing state (ICAO code)")
    init.add_argument(
        "--signer-id", default=DEFAULT_SIGNER_IDENTIFIER, help="4 characters, e.g. SAVS"
    )
    init.add_argument("--organization", default=DEFAULT_ORGANIZATION, help="the CSCA's O")
    init.add_argument("--csca-days", type=_days, default=CSCA_DAYS, help="CSCA validity")
    keys.add_parser(
        "rotate", parents=[directory, periods], help="issue a new signer and make it current"
    )
    keys.add_parser("list", parents=[directory], help="print the published certificates (JSON)")
    export = keys.add_parser(
        "export", parents=[directory], help="write the published certificates as PEM files"
    )
    export.add_argument("out", type=Path, metavar="OUT_DIR")
    return parser


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False))  # noqa: T201


def _unusable(code: str, message: str) -> int:
    _print({"verdict": None, "error": code, "message": message})
    print(f"masar visa: {message}", file=sys.stderr)  # noqa: T201
    return EXIT_UNUSABLE


def _verify(args: argparse.Namespace) -> int:
    try:
        data = (
            sys.stdin.buffer.read() if args.seal_file == "-" else Path(args.seal_file).read_bytes()
        )
    except OSError as exc:
        return _unusable("seal_file", f"cannot read {args.seal_file}: {exc.strerror}")
    try:
        trust = TrustStore.from_directory(args.certs)
    except (TrustStoreError, OSError) as exc:
        return _unusable("certificates", str(exc))
    revocations = None
    if args.revocations is not None:
        try:
            revocations = revocation_list_load(args.revocations.read_bytes(), trust=trust)
        except OSError as exc:
            return _unusable("revocations", f"cannot read {args.revocations}: {exc.strerror}")
        except RevocationListError as exc:
            return _unusable("revocations", str(exc))
    result = seal_verify(data, trust=trust, revocations=revocations, today=args.today)
    _print(result.to_dict())
    return EXIT_OK if result.verdict is Verdict.VALID else EXIT_NOT_VALID


def _describe(item: PublishedCertificate) -> str:
    if item.kind == "csca":
        return (
            f"CSCA {item.subject}, valid {item.not_before:%Y-%m-%d} to {item.not_after:%Y-%m-%d}, "
            f"SHA-256 {item.fingerprint_sha256}"
        )
    usage = f", signs until {item.key_usage_until:%Y-%m-%d}" if item.key_usage_until else ""
    return (
        f"signer {item.signer_identifier} certificate reference {item.certificate_reference} "
        f"({item.subject}), valid {item.not_before:%Y-%m-%d} to {item.not_after:%Y-%m-%d}{usage}"
    )


def _keys(args: argparse.Namespace) -> int:
    store = KeyStore.from_environment(args.dir)
    out = sys.stdout
    try:
        if args.keys_command == "init":
            csca, signer = store.init(
                issuing_country=args.country,
                signer_identifier=args.signer_id,
                organization=args.organization,
                csca_days=args.csca_days,
                usage_days=args.usage_days,
                document_days=args.document_days,
            )
            out.write(f"created in {store.directory}:\n  {_describe(csca)}\n")
            out.write(f"  {_describe(signer)} (current)\n")
        elif args.keys_command == "rotate":
            signer = store.rotate(usage_days=args.usage_days, document_days=args.document_days)
            out.write(f"issued {_describe(signer)}; it is now current\n")
            out.write("earlier signers are kept; publish the certificates again\n")
        elif args.keys_command == "list":
            _print([item.to_dict() for item in store.published_certificates()])
        else:
            paths = store.export(args.out)
            out.write(f"wrote {len(paths)} certificates to {args.out}:\n")
            out.writelines(f"  {path.name}\n" for path in paths)
    except (KeyStoreError, ValueError) as exc:
        print(f"masar visa keys: {exc}", file=sys.stderr)  # noqa: T201
        return EXIT_KEYS_FAILED
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run ``masar visa`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on usage errors.
        return exc.code if isinstance(exc.code, int) else EXIT_UNUSABLE
    if args.command == "verify":
        return _verify(args)
    return _keys(args)
