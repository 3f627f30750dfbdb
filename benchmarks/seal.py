"""Benchmark of e-visa seals: signing, offline verification and QR rendering.

Usage: ``.venv/bin/python benchmarks/seal.py [--quick] [--seals N] [--qr N]``

Builds 10,000 seals (``--quick``: 2,000) for synthetic visas with a fresh key
store in a temporary directory, verifies each against the published
certificates, and renders QR codes as SVG (all 10,000; ``--quick``: 300).

The ratio compares signing: the baseline signs the same 10,000 payloads (the
header and message bytes of each seal, prepared beforehand) with
``cryptography``'s ECDSA P-256 / SHA-256 alone; Masar's time is the full
``seal_build`` (validate and encode the features, encode the header, sign,
convert the signature to r||s, append the signature zone). ``ratio`` = baseline
time / Masar time: 1.0 would mean the encoding costs nothing. Each timing is the
median of three rounds, the baseline and Masar interleaved. The last line printed
is ``RESULT {json}``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

_HERE = Path(__file__).resolve().parent
try:
    import masar.visas.seal  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(_HERE.parent / "src"))

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

from masar.documents import generate_mrva  # noqa: E402
from masar.visas.keys import KeyStore  # noqa: E402
from masar.visas.seal import (  # noqa: E402
    StayDuration,
    TrustStore,
    Verdict,
    VisaFeatures,
    kingdom_today,
    seal_build,
    seal_decode,
    seal_qr_svg,
    seal_verify,
)
from masar.visas.seal.qr import _qr  # noqa: E402

FULL = 10_000
QUICK = 2_000
QUICK_QR = 300
NATIONALITIES = ["IDN", "PAK", "IND", "EGY", "BGD", "TUR", "MYS", "NGA", "DZA", "GBR"]


def synthetic_visas(count: int, rng: random.Random, today: date) -> list[VisaFeatures]:
    letters = string.ascii_uppercase
    visas = []
    for index in range(count):
        valid_until = today + timedelta(days=rng.randint(30, 120))
        passport = rng.choice(letters) + "".join(rng.choices(string.digits, k=rng.randint(6, 8)))
        mrz = generate_mrva(
            issuing_state="SAU",
            surname="".join(rng.choices(letters, k=rng.randint(3, 14))),
            given_names=" ".join(
                "".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(rng.randint(1, 3))
            ),
            document_number=passport,
            nationality=rng.choice(NATIONALITIES),
            birth_date=date(1940, 1, 1) + timedelta(days=rng.randint(0, 30000)),
            sex=rng.choice("MF"),
            expiry_date=valid_until,
        )
        visas.append(
            VisaFeatures(
                mrz=mrz,
                passport_number=passport,
                duration_of_stay=StayDuration(days=90),
                number_of_entries=1,
                visa_number=f"U{today:%y}{index:09d}",
                valid_from=today,
                valid_until=valid_until,
                visa_type=rng.choice([1, 2]),
            )
        )
    return visas


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK} seals, {QUICK_QR} QR codes")
    parser.add_argument("--seals", type=int, help="seals to build and verify")
    parser.add_argument("--qr", type=int, help="QR codes to render")
    parser.add_argument("--seed", type=int, default=20250601)
    args = parser.parse_args()
    count = args.seals or (QUICK if args.quick else FULL)
    qr_count = min(count, args.qr or (QUICK_QR if args.quick else count))

    today = kingdom_today()
    rng = random.Random(args.seed)
    visas = synthetic_visas(count, rng, today)
    with tempfile.TemporaryDirectory() as directory:
        store = KeyStore(Path(directory) / "keys")
        store.init()
        signer = store.current_signer()
        trust = TrustStore.from_directory(store.export(Path(directory) / "published")[0].parent)
        key_file = next((Path(directory) / "keys" / "signers").glob("*.key"))
        raw_key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        assert isinstance(raw_key, ec.EllipticCurvePrivateKey)

    def build_all() -> list[bytes]:
        return [seal_build(v, signer=signer, issued_on=today, signed_on=today) for v in visas]

    seals = build_all()
    payloads = [seal_decode(seal).signed_bytes for seal in seals]
    algorithm = ec.ECDSA(hashes.SHA256())

    def baseline() -> None:
        for payload in payloads:
            raw_key.sign(payload, algorithm)

    baseline_runs, masar_runs = [], []
    for _ in range(3):
        baseline_runs.append(timed(baseline))
        masar_runs.append(timed(build_all))
    baseline_s = statistics.median(baseline_runs)
    masar_s = statistics.median(masar_runs)

    verdicts: dict[str, int] = {}

    def verify_all() -> None:
        for seal in seals:
            verdict = seal_verify(seal, trust=trust, today=today).verdict
            verdicts[verdict.value] = verdicts.get(verdict.value, 0) + 1

    verify_s = timed(verify_all)
    assert verdicts == {Verdict.VALID.value: count}, verdicts

    seal_qr_svg.cache_clear()
    qr_s = timed(lambda: [seal_qr_svg(seal) for seal in seals[:qr_count]])
    sizes = [len(seal) for seal in seals]
    versions = sorted({_qr(seal).version for seal in seals[:qr_count]})

    result = {
        "seals": count,
        "qr_renders": qr_count,
        "signed_per_s": round(count / masar_s),
        "verified_per_s": round(count / verify_s),
        "qr_svg_per_s": round(qr_count / qr_s, 1),
        "baseline_sign_per_s": round(count / baseline_s),
        "baseline_s": round(baseline_s, 4),
        "masar_s": round(masar_s, 4),
        "ratio": round(baseline_s / masar_s, 3),
        "seal_bytes_min": min(sizes),
        "seal_bytes_max": max(sizes),
        "qr_versions": versions,
    }
    print(
        f"seals: {count} built, each {min(sizes)}-{max(sizes)} bytes (QR versions {versions}, level M)"
    )
    print(f"signed (encode + sign): {result['signed_per_s']:,} seals/s ({masar_s:.3f} s)")
    print(
        f"baseline (raw ECDSA P-256 on the same payloads): {result['baseline_sign_per_s']:,}/s "
        f"({baseline_s:.3f} s); ratio {result['ratio']}"
    )
    print(f"verified (decode + chain + signature + checks): {result['verified_per_s']:,} seals/s")
    print(f"QR SVG: {result['qr_svg_per_s']} renders/s ({qr_s / qr_count * 1000:.2f} ms each)")
    print("RESULT " + json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
