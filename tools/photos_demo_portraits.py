"""Make the demo portraits from scikit-image's `astronaut` (NASA's public-domain portrait of
Eileen Collins, shipped inside the scikit-image package): the head and shoulders are cut out
with a soft mask and set on plain light backgrounds at a few scales and tones, so that each
passes the portrait checks. Run once; the files land in src/masar/photos/data/demo/.

    .venv/bin/python tools/photos_demo_portraits.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from skimage import data

OUT = Path(__file__).resolve().parent.parent / "src" / "masar" / "photos" / "data" / "demo"
# (background RGB, face box share of the height, horizontal flip, warmth)
VARIANTS = [
    ((236, 237, 239), 0.38, False, 0),
    ((228, 233, 240), 0.36, True, 8),
    ((241, 239, 234), 0.40, False, -6),
    ((232, 236, 236), 0.37, True, 4),
    ((238, 238, 242), 0.39, False, 12),
    ((226, 230, 235), 0.38, True, -10),
]
WIDTH, HEIGHT = 480, 617


def _face(rgb: np.ndarray) -> tuple[int, int, int, int]:
    grey = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    path = str(Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml")
    found = cv2.CascadeClassifier(path).detectMultiScale(grey, 1.1, 6)
    x, y, w, h = (int(v) for v in found[0])
    return x, y, w, h


def _mask(shape: tuple[int, int], face: tuple[int, int, int, int]) -> np.ndarray:
    """Head (an ellipse over hair and face) and shoulders (a wide ellipse below), feathered."""
    height, width = shape
    x, y, w, h = face
    mask = np.zeros((height, width), np.uint8)
    cx, cy = x + w // 2, y + h // 2
    cv2.ellipse(mask, (cx, cy - h // 8), (int(w * 0.6), int(h * 0.86)), 0, 0, 360, 255, -1)
    cv2.rectangle(mask, (cx - int(w * 0.32), cy), (cx + int(w * 0.32), cy + int(h * 1.2)), 255, -1)
    cv2.ellipse(mask, (cx, cy + int(h * 2.2)), (int(w * 1.5), int(h * 0.95)), 0, 0, 360, 255, -1)
    return cv2.GaussianBlur(mask, (0, 0), 3).astype(np.float32) / 255


def portrait(variant: tuple[tuple[int, int, int], float, bool, int]) -> bytes:
    background, share, flip, warmth = variant
    rgb = data.astronaut()
    if flip:
        rgb = rgb[:, ::-1].copy()
    face = _face(rgb)
    alpha = _mask(rgb.shape[:2], face)[..., None]
    plain = np.empty_like(rgb)
    plain[:] = background
    cut = (rgb * alpha + plain * (1 - alpha)).astype(np.uint8)
    tone = cut.astype(np.int16)
    tone[..., 0] += warmth
    tone[..., 2] -= warmth
    cut = np.clip(tone, 0, 255).astype(np.uint8)
    x, y, w, h = face
    scale = share * HEIGHT / h
    big = cv2.resize(cut, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    canvas = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    canvas[:] = background
    # the face centre at the middle of the width and 45 % of the height
    ox = round(WIDTH / 2 - (x + w / 2) * scale)
    oy = round(0.45 * HEIGHT - (y + h / 2) * scale)
    src_x0, src_y0 = max(0, -ox), max(0, -oy)
    dst_x0, dst_y0 = max(0, ox), max(0, oy)
    span_w = min(WIDTH - dst_x0, big.shape[1] - src_x0)
    span_h = min(HEIGHT - dst_y0, big.shape[0] - src_y0)
    canvas[dst_y0 : dst_y0 + span_h, dst_x0 : dst_x0 + span_w] = big[
        src_y0 : src_y0 + span_h, src_x0 : src_x0 + span_w
    ]
    out = io.BytesIO()
    Image.fromarray(canvas).save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for index, variant in enumerate(VARIANTS, start=1):
        (OUT / f"portrait-{index}.jpg").write_bytes(portrait(variant))
    print(f"{len(VARIANTS)} portraits in {OUT}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
