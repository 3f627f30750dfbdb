"""The portrait checks and the normalisation, on real faces and on deliberately bad photos."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from masar.photos.checks import PhotoProblem, Thresholds, portrait_check
from tests.photos import images


def codes(data: bytes, t: Thresholds | None = None) -> list[str]:
    return [p.code.value for p in portrait_check(data, t or Thresholds()).problems]


@pytest.mark.parametrize("index", range(6))
def test_every_demo_portrait_passes_every_check(index: int) -> None:
    outcome = portrait_check(images.good(index), Thresholds())
    assert outcome.problems == []
    assert outcome.compliant
    assert outcome.metrics["faces"] == 1


def test_a_png_portrait_passes() -> None:
    assert codes(images.good_png()) == []


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (images.two_faces, ["several_faces"]),
        (images.no_face, ["no_face"]),
        (images.blurred, ["blurred"]),
        (images.tiny, ["resolution_too_low"]),
        (images.greyscale, ["greyscale"]),
        (images.busy_background, ["background_not_plain"]),
        # Dark: the face is found, but every measure of light fails together.
        (images.dark, ["too_dark", "low_contrast", "blurred", "background_not_plain"]),
        # Turned a quarter with no EXIF to say so: landscape, and no upright face.
        (images.rotated, ["resolution_too_low", "aspect_ratio", "no_face", "background_not_plain"]),
    ],
)
def test_each_bad_photo_is_reported_with_every_reason(make: Any, expected: list[str]) -> None:
    assert codes(make()) == expected


def test_the_figures_behind_the_reasons() -> None:
    [problem] = portrait_check(images.tiny(), Thresholds()).problems
    assert problem.params == {"width": 140, "height": 180, "min_width": 413, "min_height": 531}
    [problem] = portrait_check(images.two_faces(), Thresholds()).problems
    assert problem.params == {"count": 2}


def test_a_png_bomb_is_refused_before_a_pixel_is_decoded(monkeypatch: Any) -> None:
    def no_decoding(self: Any) -> Any:
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    bomb = images.png_bomb()
    assert len(bomb) < 200_000
    outcome = portrait_check(bomb, Thresholds())
    assert [p.code for p in outcome.problems] == [PhotoProblem.TOO_MANY_PIXELS]
    assert outcome.refused
    assert outcome.jpeg == b""


def test_a_header_over_our_pixel_limit_is_refused_with_its_size() -> None:
    outcome = portrait_check(images.good(0), Thresholds(max_pixels=100_000))
    assert [p.as_dict() for p in outcome.problems] == [
        {"code": "too_many_pixels", "params": {"width": 480, "height": 617, "limit": 100_000}}
    ]


def test_other_formats_and_large_files_are_refused() -> None:
    assert codes(images.gif()) == ["format_not_allowed"]
    assert codes(images.good(0), Thresholds(max_bytes=1000)) == ["file_too_large"]
    assert codes(b"not an image at all") == ["unreadable"]
    truncated = images.good(0)[:3000]
    assert codes(truncated) == ["unreadable"]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_an_outcome_never_an_exception(data: bytes) -> None:
    outcome = portrait_check(data, Thresholds())
    assert outcome.problems  # random bytes are never a portrait


def test_the_normalised_portrait_is_a_small_standard_jpeg_without_exif() -> None:
    outcome = portrait_check(images.exif_rotated(), Thresholds())
    assert outcome.problems == []
    image = Image.open(io.BytesIO(outcome.jpeg))
    assert (image.format, image.size) == ("JPEG", (413, 531))
    assert len(outcome.jpeg) <= 120 * 1024
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "icc_profile" not in image.info
    # Upright: the normalised portrait passes the face checks again.
    again = portrait_check(outcome.jpeg, Thresholds())
    assert again.metrics["faces"] == 1
    assert abs(again.metrics["face_x"] - 0.5) < 0.05


def test_the_size_bound_lowers_the_quality_until_it_fits() -> None:
    outcome = portrait_check(images.good(0), Thresholds(output_max_bytes=15_000))
    assert len(outcome.jpeg) <= 15_000


def test_thresholds_come_from_a_mapping_and_refuse_unknown_names() -> None:
    assert Thresholds.from_mapping({"min_width": 300}).min_width == 300
    with pytest.raises(ValueError, match="unknown photo thresholds"):
        Thresholds.from_mapping({"min_widht": 300})
    assert codes(images.tiny(), Thresholds(min_width=100, min_height=100)) == []


def test_a_truncated_file_is_unreadable_even_when_pillow_is_told_to_load_it(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it
    assert codes(images.good(0)[:3000]) == ["unreadable"]
    assert codes(images.good_png()[:5000]) == ["unreadable"]
    assert codes(images.good(0)) == []
