"""Portrait checks and normalisation (ICAO 9303 part 3, ISO/IEC 39794-5), pure: no Django.

`portrait_check(data, thresholds)` reads the header first and refuses, before decoding a
single pixel, a file that is too large, not JPEG or PNG, or has too many pixels (a
decompression bomb). It then decodes once, at a reduced scale where JPEG allows it, and
runs every check, reporting every failure together as a `Problem` (a stable code and the
figures its message needs). Whatever the checks find, it also returns the normalised
portrait: orientation corrected, cropped around the face to 35:45, scaled to the standard
size, re-encoded as a JPEG without EXIF within a size bound.

The face detector is OpenCV's frontal-face Haar cascade, from the files that
`opencv-python-headless` itself ships (`cv2.data.haarcascades`); nothing is downloaded.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = frozenset({"JPEG", "PNG"})
PORTRAIT_ASPECT = 35 / 45


class PhotoProblem(StrEnum):
    """Why a photo fails; stable codes shown to API clients and kept in reports."""

    # Refused before decoding: nothing is stored.
    FILE_TOO_LARGE = "file_too_large"
    UNREADABLE = "unreadable"
    FORMAT = "format_not_allowed"
    TOO_MANY_PIXELS = "too_many_pixels"
    # The portrait rules: the photo is kept, flagged, until it is replaced or accepted.
    RESOLUTION = "resolution_too_low"
    ASPECT = "aspect_ratio"
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    FACE_TOO_SMALL = "face_too_small"
    FACE_TOO_LARGE = "face_too_large"
    FACE_NOT_CENTRED = "face_not_centred"
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    LOW_CONTRAST = "low_contrast"
    BLURRED = "blurred"
    BACKGROUND = "background_not_plain"
    GREYSCALE = "greyscale"


FATAL = frozenset(
    {
        PhotoProblem.FILE_TOO_LARGE,
        PhotoProblem.UNREADABLE,
        PhotoProblem.FORMAT,
        PhotoProblem.TOO_MANY_PIXELS,
    }
)


@dataclass(frozen=True)
class Thresholds:
    """Every figure the checks use; the defaults are documented in docs/photos.md."""

    max_bytes: int = 5 * 1024 * 1024
    max_pixels: int = 40_000_000
    min_width: int = 413
    min_height: int = 531
    aspect_tolerance: float = 0.06
    # The detected face box (brows to chin, about 60 % of the head) against the height.
    face_min_share: float = 0.28
    face_max_share: float = 0.62
    # Face centre: horizontally within this share of the width of the middle...
    centre_tolerance: float = 0.10
    # ...and vertically between these shares of the height from the top.
    centre_y_min: float = 0.32
    centre_y_max: float = 0.62
    dark_below: float = 70.0
    bright_above: float = 215.0
    min_contrast: float = 28.0
    # Variance of the Laplacian of the face scaled to 128 pixels wide.
    min_sharpness: float = 60.0
    # The border (top band and upper side bands): standard deviation and mean lightness.
    background_max_std: float = 22.0
    background_min_mean: float = 150.0
    # Mean saturation (HSV, 0-255) of the whole photo.
    min_colourfulness: float = 12.0
    # The normalised portrait.
    output_width: int = 413
    output_height: int = 531
    output_face_share: float = 0.48
    output_max_bytes: int = 120 * 1024
    # Detection runs on a copy this many pixels high.
    detect_height: int = 128

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None) -> Thresholds:
        known = set(asdict(cls()))
        unknown = set(values or {}) - known
        if unknown:
            raise ValueError(f"unknown photo thresholds: {sorted(unknown)}")
        return cls(**(values or {}))


@dataclass(frozen=True)
class Problem:
    code: PhotoProblem
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code.value, "params": self.params}


@dataclass
class CheckOutcome:
    """What the checks found, and the normalised portrait (empty when refused outright)."""

    problems: list[Problem]
    metrics: dict[str, Any]
    jpeg: bytes = b""
    width: int = 0
    height: int = 0

    @property
    def refused(self) -> bool:
        return any(p.code in FATAL for p in self.problems)

    @property
    def compliant(self) -> bool:
        return not self.problems


class PhotoRefused(Exception):
    """The file cannot be a portrait at all (raised by `portrait_probe`)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code.value)
        self.problem = problem


@lru_cache(maxsize=1)
def _cascade() -> cv2.CascadeClassifier:
    # OpenCL's start-up costs more than it saves on images this small; the worker runs
    # one photo per process thread.
    cv2.ocl.setUseOpenCL(False)
    cv2.setNumThreads(1)
    path = Path(cv2.data.haarcascades) / "haarcascade_frontalface_alt2.xml"  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise RuntimeError(f"the face cascade {path} could not be loaded")
    return cascade


def portrait_probe(data: bytes, t: Thresholds) -> Image.Image:
    """Open the image lazily (header only) and refuse what must never be decoded."""
    if len(data) > t.max_bytes:
        raise PhotoRefused(
            Problem(PhotoProblem.FILE_TOO_LARGE, {"size": len(data), "limit": t.max_bytes})
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(Problem(PhotoProblem.TOO_MANY_PIXELS, {"limit": t.max_pixels})) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoRefused(Problem(PhotoProblem.UNREADABLE)) from None
    if image.format not in ALLOWED_FORMATS:
        raise PhotoRefused(Problem(PhotoProblem.FORMAT, {"format": str(image.format)}))
    width, height = image.size
    if width * height > t.max_pixels:
        raise PhotoRefused(
            Problem(
                PhotoProblem.TOO_MANY_PIXELS,
                {"width": width, "height": height, "limit": t.max_pixels},
            )
        )
    return image


def _truncated(data: bytes, kind: str) -> bool:
    """A file cut short. Pillow would refuse it, unless something in the process (WeasyPrint
    does, on import) has set the process-wide `ImageFile.LOAD_TRUNCATED_IMAGES`, when it
    fills the missing part with grey; the end marker is checked here instead."""
    tail = data[-64:]
    if kind == "JPEG":
        return b"\xff\xd9" not in tail
    if kind == "PNG":
        return b"IEND" not in tail
    return False


def _decode(image: Image.Image, t: Thresholds) -> tuple[np.ndarray, tuple[int, int]]:
    """Decode upright into an RGB array; a JPEG at the smallest DCT scale still as large
    as the output (a 12-megapixel photo decodes at an eighth of the work). Returns the
    array and the full size after orientation."""
    width, height = image.size
    if image.format == "JPEG":
        image.draft("RGB", (t.output_width, t.output_height))
    image.load()
    orientation = image.getexif().get(0x0112, 1)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        upright = canvas
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    return np.asarray(upright), (width, height)


def _faces(small: np.ndarray, grey: np.ndarray, t: Thresholds) -> list[tuple[int, int, int, int]]:
    """Face boxes (x, y, w, h) in the small copy's coordinates. When none is found there,
    the search runs again at twice the height, where smaller faces (a group photo, a
    distant face) still show: they must be reported as what they are."""
    side = max(24, int(0.18 * min(small.shape)))
    found = _cascade().detectMultiScale(
        cv2.equalizeHist(small), scaleFactor=1.15, minNeighbors=5, minSize=(side, side)
    )
    if len(found):
        return [(int(x), int(y), int(w), int(h)) for (x, y, w, h) in found]
    height, width = grey.shape
    scale = min(1.0, 2 * t.detect_height / height)
    finer = cv2.resize(
        grey,
        (max(1, round(width * scale)), max(1, round(height * scale))),
        interpolation=cv2.INTER_AREA,
    )
    found = _cascade().detectMultiScale(
        cv2.equalizeHist(finer), scaleFactor=1.1, minNeighbors=5, minSize=(24, 24)
    )
    ratio = small.shape[0] / finer.shape[0]
    return [
        (round(x * ratio), round(y * ratio), round(w * ratio), round(h * ratio))
        for (x, y, w, h) in (found if len(found) else [])
    ]


def _crop_box(
    size: tuple[int, int], face: tuple[float, float, float, float] | None, t: Thresholds
) -> tuple[int, int, int, int]:
    """A 35:45 box around the face (face box `output_face_share` of its height, centred),
    moved and if need be shrunk to stay inside the image."""
    width, height = size
    if face is None:
        crop_h = min(height, width / PORTRAIT_ASPECT)
        cx, top = width / 2, (height - crop_h) / 2
    else:
        x, y, w, h = face
        crop_h = min(h / t.output_face_share, height, width / PORTRAIT_ASPECT)
        cx = x + w / 2
        top = y + h / 2 - 0.45 * crop_h
    crop_w = crop_h * PORTRAIT_ASPECT
    left = min(max(cx - crop_w / 2, 0), width - crop_w)
    top = min(max(top, 0), height - crop_h)
    return round(left), round(top), round(left + crop_w), round(top + crop_h)


def _encode(rgb: np.ndarray, t: Thresholds) -> bytes:
    """JPEG (no EXIF, no ICC: only pixels are written) at the best quality within
    `output_max_bytes`."""
    image = Image.fromarray(rgb)
    data = b""
    for quality in (90, 82, 74, 66, 58, 50, 40):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        data = out.getvalue()
        if len(data) <= t.output_max_bytes:
            break
    return data


def portrait_check(data: bytes, t: Thresholds) -> CheckOutcome:
    """Check one uploaded photo against every rule and normalise it (see the module)."""
    try:
        image = portrait_probe(data, t)
    except PhotoRefused as refused:
        return CheckOutcome([refused.problem], {})
    if _truncated(data, image.format or ""):
        return CheckOutcome([Problem(PhotoProblem.UNREADABLE)], {})
    try:
        rgb, (full_w, full_h) = _decode(image, t)
    except (OSError, SyntaxError, ValueError):
        return CheckOutcome([Problem(PhotoProblem.UNREADABLE)], {})
    problems: list[Problem] = []
    metrics: dict[str, Any] = {"width": full_w, "height": full_h}

    if full_w < t.min_width or full_h < t.min_height:
        problems.append(
            Problem(
                PhotoProblem.RESOLUTION,
                {
                    "width": full_w,
                    "height": full_h,
                    "min_width": t.min_width,
                    "min_height": t.min_height,
                },
            )
        )
    aspect = full_w / full_h
    metrics["aspect"] = round(aspect, 3)
    if abs(aspect - PORTRAIT_ASPECT) > t.aspect_tolerance:
        problems.append(Problem(PhotoProblem.ASPECT, {"aspect": round(aspect, 2)}))

    # Every measure but sharpness is taken on a small copy: they are averages.
    height, width = rgb.shape[:2]
    scale = t.detect_height / height
    small_rgb = cv2.resize(
        rgb, (max(1, round(width * scale)), t.detect_height), interpolation=cv2.INTER_AREA
    )
    small = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2GRAY)
    s_h, s_w = small.shape
    faces = _faces(small, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), t)
    metrics["faces"] = len(faces)
    face = faces[0] if len(faces) == 1 else None
    if not faces:
        problems.append(Problem(PhotoProblem.NO_FACE))
    elif len(faces) > 1:
        problems.append(Problem(PhotoProblem.SEVERAL_FACES, {"count": len(faces)}))

    if face is not None:
        x, y, w, h = face
        share = h / s_h
        cx, cy = (x + w / 2) / s_w, (y + h / 2) / s_h
        metrics.update(face_share=round(share, 3), face_x=round(cx, 3), face_y=round(cy, 3))
        if share < t.face_min_share:
            problems.append(Problem(PhotoProblem.FACE_TOO_SMALL, {"share": round(100 * share)}))
        elif share > t.face_max_share:
            problems.append(Problem(PhotoProblem.FACE_TOO_LARGE, {"share": round(100 * share)}))
        if abs(cx - 0.5) > t.centre_tolerance or not t.centre_y_min <= cy <= t.centre_y_max:
            problems.append(Problem(PhotoProblem.FACE_NOT_CENTRED))
        region = small[y : y + h, x : x + w]
        fx, fy, fw, fh = (round(v / scale) for v in face)
    else:
        region = small[s_h // 4 : 3 * s_h // 4, s_w // 4 : 3 * s_w // 4]
        fx, fy, fw, fh = width // 4, height // 4, width // 2, height // 2

    brightness = float(region.mean())
    contrast = float(region.std())
    # Sharpness on the face at a fixed width, from the decoded pixels (not the small copy).
    face_rgb = rgb[fy : fy + fh, fx : fx + fw]
    face_grey = cv2.cvtColor(
        cv2.resize(
            face_rgb,
            (128, max(1, round(128 * face_rgb.shape[0] / max(1, face_rgb.shape[1])))),
            interpolation=cv2.INTER_AREA,
        ),
        cv2.COLOR_RGB2GRAY,
    )
    sharpness = float(cv2.Laplacian(face_grey, cv2.CV_32F).var())
    metrics.update(
        brightness=round(brightness, 1), contrast=round(contrast, 1), sharpness=round(sharpness, 1)
    )
    if brightness < t.dark_below:
        problems.append(Problem(PhotoProblem.TOO_DARK, {"value": round(brightness)}))
    elif brightness > t.bright_above:
        problems.append(Problem(PhotoProblem.TOO_BRIGHT, {"value": round(brightness)}))
    if contrast < t.min_contrast:
        problems.append(Problem(PhotoProblem.LOW_CONTRAST, {"value": round(contrast)}))
    if sharpness < t.min_sharpness:
        problems.append(Problem(PhotoProblem.BLURRED, {"value": round(sharpness)}))

    band_h, band_w = max(1, s_h // 20), max(1, s_w // 12)
    upper = (s_h * 3) // 5
    border = np.concatenate(
        [
            small[:band_h, :].ravel(),
            small[:upper, :band_w].ravel(),
            small[:upper, s_w - band_w :].ravel(),
        ]
    )
    bg_std, bg_mean = float(border.std()), float(border.mean())
    metrics.update(background_std=round(bg_std, 1), background_mean=round(bg_mean, 1))
    if bg_std > t.background_max_std or bg_mean < t.background_min_mean:
        problems.append(Problem(PhotoProblem.BACKGROUND))

    # Mean saturation (HSV, 0-255): a dark photo keeps its colour, a grey one has none.
    colourfulness = float(cv2.cvtColor(small_rgb, cv2.COLOR_RGB2HSV)[..., 1].mean())
    metrics["colourfulness"] = round(colourfulness, 1)
    if colourfulness < t.min_colourfulness:
        problems.append(Problem(PhotoProblem.GREYSCALE))

    left, top, right, bottom = _crop_box(
        (width, height), None if face is None else (fx, fy, fw, fh), t
    )
    crop = rgb[top:bottom, left:right]
    interpolation = cv2.INTER_AREA if crop.shape[0] >= t.output_height else cv2.INTER_CUBIC
    portrait = cv2.resize(crop, (t.output_width, t.output_height), interpolation=interpolation)
    return CheckOutcome(problems, metrics, _encode(portrait, t), t.output_width, t.output_height)
