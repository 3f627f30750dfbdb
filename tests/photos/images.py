"""Test photos: the demo portraits (real faces, from scikit-image's public-domain
`astronaut`) and deliberately bad photos made from them in memory."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
from PIL import Image

from masar.photos.demo import demo_portraits


def _rgb(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _jpeg(rgb: np.ndarray, **save: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=90, **save)  # type: ignore[arg-type]
    return out.getvalue()


def good(index: int = 0) -> bytes:
    return demo_portraits()[index][1]


def good_png() -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(good(1))).save(out, "PNG")
    return out.getvalue()


def two_faces() -> bytes:
    """Two portraits side by side, on a 35:45 canvas of the same light grey."""
    left, right = _rgb(good(0)), _rgb(good(1))
    pair = np.concatenate([left, right], axis=1)
    height = round(pair.shape[1] * 45 / 35)
    canvas = np.full((height, pair.shape[1], 3), 236, np.uint8)
    top = (height - pair.shape[0]) // 2
    canvas[top : top + pair.shape[0]] = pair
    return _jpeg(canvas)


def no_face() -> bytes:
    canvas = np.full((617, 480, 3), 232, np.uint8)
    cv2.rectangle(canvas, (140, 180), (340, 460), (120, 140, 170), -1)
    return _jpeg(canvas)


def dark() -> bytes:
    return _jpeg((_rgb(good(0)) * 0.22).astype(np.uint8))


def blurred() -> bytes:
    return _jpeg(cv2.GaussianBlur(_rgb(good(0)), (0, 0), 7))


def tiny() -> bytes:
    return _jpeg(cv2.resize(_rgb(good(0)), (140, 180), interpolation=cv2.INTER_AREA))


def rotated() -> bytes:
    """Turned a quarter with nothing in the file to say so."""
    return _jpeg(np.ascontiguousarray(np.rot90(_rgb(good(0)))))


def exif_rotated() -> bytes:
    """Stored turned a quarter, with the EXIF orientation (6) that turns it back, and a
    GPS position that must not survive."""
    image = Image.fromarray(np.ascontiguousarray(np.rot90(_rgb(good(0)), k=1)))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (21.0, 25.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def greyscale() -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(good(0))).convert("L").save(out, "JPEG", quality=90)
    return out.getvalue()


def busy_background() -> bytes:
    rgb = _rgb(good(0)).copy()
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 255, (rgb.shape[0], 60, 3), dtype=np.uint8)
    rgb[:, :60] = noise
    rgb[:, -60:] = noise
    return _jpeg(rgb)


def gif() -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(good(0))).save(out, "GIF")
    return out.getvalue()


def png_bomb(side: int = 30_000) -> bytes:
    """A real PNG of side×side one-bit pixels: ~110 KB on disk, 900 megapixels decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row * 1000) for _ in range(side // 1000)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
