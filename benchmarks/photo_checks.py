"""Portrait checks and normalisation, against a baseline of decoding and re-encoding alone.

Makes 2,000 upload-sized portraits (about 1 megapixel, JPEG) from the demo portraits, each
shifted, scaled, lit and flipped a little, then, in one process on one core:
- baseline: decode each image fully and re-encode it as JPEG (the least any photo
  pipeline does);
- Masar: `portrait_check` (header probe, decode, face detection, every check, crop,
  scale, JPEG within the size bound).
The ratio is Masar's photos per second / the baseline's (target at least 0.3). The same
run also measures the worst case, portraits already at the standard size (where decoding
at a reduced scale saves nothing), and then a 100-photo group archive end to end
(upload, worker run, storage, report) on a temporary SQLite database (target < 30 s).

    .venv/bin/python benchmarks/photo_checks.py [--quick] [--no-archive]

The last line printed is `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

FULL, QUICK = 2000, 150
UPLOAD_SIZE = (840, 1080)  # about 0.9 megapixel, 35:45


def _portraits(count: int, size: tuple[int, int] | None, seed: int = 1448) -> list[bytes]:
    import numpy as np
    from PIL import Image, ImageEnhance

    rng = random.Random(seed)
    demo = sorted((ROOT / "src" / "masar" / "photos" / "data" / "demo").glob("portrait-*.jpg"))
    sources = [Image.open(path).convert("RGB") for path in demo]
    out = []
    for _ in range(count):
        image = rng.choice(sources)
        if rng.random() < 0.5:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        # a slightly different framing: crop a few per cent off the sides
        w, h = image.size
        dx, dy = rng.randint(0, w // 25), rng.randint(0, h // 25)
        image = image.crop((dx, dy, w - dx, h - dy))
        image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.92, 1.08))
        target = size or (413, 531)
        image = image.resize(target, Image.Resampling.BICUBIC)
        array = np.asarray(image).astype(np.int16)
        array += np.random.default_rng(rng.randint(0, 2**31)).integers(-3, 4, array.shape, np.int16)
        image = Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=rng.randint(85, 94))
        out.append(buffer.getvalue())
    return out


def _baseline(photos: list[bytes]) -> float:
    from PIL import Image

    started = time.perf_counter()
    for data in photos:
        image = Image.open(io.BytesIO(data))
        image.load()
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
    return time.perf_counter() - started


def _masar(photos: list[bytes]) -> tuple[float, int]:
    from masar.photos.checks import Thresholds, portrait_check

    t = Thresholds()
    portrait_check(photos[0], t)  # load the cascade, as a running worker has
    compliant = 0
    started = time.perf_counter()
    for data in photos:
        compliant += portrait_check(data, t).compliant
    return time.perf_counter() - started, compliant


def _pair(photos: list[bytes]) -> dict[str, float]:
    base = _baseline(photos)
    masar, compliant = _masar(photos)
    n = len(photos)
    return {
        "photos": n,
        "baseline_per_second": round(n / base, 1),
        "masar_per_second": round(n / masar, 1),
        "ratio": round(base / masar, 3),
        "compliant": compliant,
    }


def _archive(count: int) -> dict[str, float]:
    """A group archive of `count` photos through the upload and the worker run."""
    workdir = tempfile.mkdtemp(prefix="masar-bench-photos-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MASAR_VAR_DIR"] = workdir
    os.environ["DJANGO_SETTINGS_MODULE"] = "masar.settings.base"
    os.environ["MASAR_DEBUG"] = "0"
    os.environ.setdefault("MASAR_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from manifest_import import _world
    from masar.applications.models import Application, Pilgrim
    from masar.applications.services.pilgrims import application_number
    from masar.photos.services import photo_batch_create, photo_batch_run

    call_command("migrate", verbosity=0, interactive=False)
    user, group = _world("photos")
    numbers = [f"P{index:07d}" for index in range(count)]
    for number in numbers:
        pilgrim = Pilgrim.objects.create(
            agent=group.agent,
            surname="Rahman",
            given_names="Siti",
            sex="F",
            birth_date=dt.date(1980, 1, 1),
            nationality="IDN",
            residence_country="IDN",
            passport_number=number,
            passport_issuing_state="IDN",
            passport_issue_date=dt.date(2022, 1, 1),
            passport_expiry_date=dt.date(2032, 1, 1),
            mrz="",
        )
        Application.objects.create(
            number=application_number(),
            group=group,
            pilgrim=pilgrim,
            agent=group.agent,
            company=group.company,
            season=group.season,
        )
    photos = _portraits(count, UPLOAD_SIZE, seed=7)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for number, data in zip(numbers, photos, strict=True):
            archive.writestr(f"{number}.jpg", data)
    upload = SimpleUploadedFile("group.zip", buffer.getvalue(), content_type="application/zip")
    started = time.perf_counter()
    batch = photo_batch_create(actor=user, group=group, upload=upload, enqueue=False)
    batch = photo_batch_run(batch_id=batch.pk)
    seconds = time.perf_counter() - started
    return {
        "files": batch.total_files,
        "accepted": batch.accepted_files,
        "rejected": batch.rejected_files,
        "seconds": round(seconds, 2),
        "archive_mb": round(len(buffer.getvalue()) / 2**20, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK} portraits, not {FULL}")
    parser.add_argument("--no-archive", action="store_true", help="skip the 100-photo archive")
    args = parser.parse_args()
    count = QUICK if args.quick else FULL
    print(f"making {count} portraits at {UPLOAD_SIZE[0]}x{UPLOAD_SIZE[1]} ...", flush=True)
    uploads = _portraits(count, UPLOAD_SIZE)
    upload_sized = _pair(uploads)
    print(
        f"upload size: baseline {upload_sized['baseline_per_second']}/s, "
        f"Masar {upload_sized['masar_per_second']}/s per core, ratio {upload_sized['ratio']} "
        f"({upload_sized['compliant']} of {count} compliant)"
    )
    small = _pair(_portraits(max(50, count // 4), None))
    print(
        f"standard size (worst case): baseline {small['baseline_per_second']}/s, "
        f"Masar {small['masar_per_second']}/s per core, ratio {small['ratio']}"
    )
    summary: dict[str, object] = {
        "benchmark": "photo_checks",
        "cores": 1,
        "upload_size": upload_sized,
        "standard_size": small,
        "ratio": upload_sized["ratio"],
        "target_ratio": 0.3,
    }
    if not args.no_archive:
        archive = _archive(100)
        print(
            f"100-photo archive: {archive['seconds']} s "
            f"({archive['accepted']} accepted, {archive['rejected']} rejected)"
        )
        summary["archive_100"] = archive
        summary["archive_target_seconds"] = 30
    print("RESULT " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
