"""The words of every photo problem, in the reader's language (reports keep codes and figures,
so one stored report reads in Arabic and in English)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from masar.photos.checks import PhotoProblem
from masar.photos.error_codes import PhotosError

LABELS: dict[str, Any] = {
    PhotoProblem.FILE_TOO_LARGE: _("The file is too large."),
    PhotoProblem.UNREADABLE: _("The file is not a readable image."),
    PhotoProblem.FORMAT: _("The photo must be JPEG or PNG."),
    PhotoProblem.TOO_MANY_PIXELS: _("The image has too many pixels."),
    PhotoProblem.RESOLUTION: _("The resolution is too low."),
    PhotoProblem.ASPECT: _("The photo is not in portrait format (35:45)."),
    PhotoProblem.NO_FACE: _("No face was found."),
    PhotoProblem.SEVERAL_FACES: _("More than one face was found."),
    PhotoProblem.FACE_TOO_SMALL: _("The face is too small in the frame."),
    PhotoProblem.FACE_TOO_LARGE: _("The face is too large in the frame."),
    PhotoProblem.FACE_NOT_CENTRED: _("The face is not centred."),
    PhotoProblem.TOO_DARK: _("The photo is too dark."),
    PhotoProblem.TOO_BRIGHT: _("The photo is too bright."),
    PhotoProblem.LOW_CONTRAST: _("The contrast is too low."),
    PhotoProblem.BLURRED: _("The photo is blurred."),
    PhotoProblem.BACKGROUND: _("The background is not plain and light."),
    PhotoProblem.GREYSCALE: _("The photo is not in colour."),
    PhotosError.NO_PILGRIM: _("No pilgrim of the group has this passport number."),
    PhotosError.NOT_A_PHOTO_NAME: _("The file name is not a passport number with .jpg or .png."),
    PhotosError.DUPLICATE_IN_ZIP: _("Another file of the archive is for the same passport."),
}


def _details(code: str, params: Mapping[str, Any]) -> str:
    """The figures behind a problem, in words (empty when the label says it all)."""
    p = dict(params)
    if code == PhotoProblem.FILE_TOO_LARGE and "limit" in p:
        return gettext("%(size)d KB; at most %(limit)d KB.") % {
            "size": p.get("size", 0) // 1024,
            "limit": p["limit"] // 1024,
        }
    if code == PhotoProblem.TOO_MANY_PIXELS:
        if "width" in p:
            return gettext("%(width)d×%(height)d pixels; at most %(limit)d pixels in all.") % p
        return gettext("At most %(limit)d pixels in all.") % p
    if code == PhotoProblem.FORMAT:
        return gettext("This file is %(format)s.") % p
    if code == PhotoProblem.RESOLUTION:
        return gettext("%(width)d×%(height)d pixels; at least %(min_width)d×%(min_height)d.") % p
    if code == PhotoProblem.ASPECT:
        return gettext("Width to height is %(aspect)s; a portrait is 0.78.") % p
    if code == PhotoProblem.SEVERAL_FACES:
        return ngettext("%(count)d face.", "%(count)d faces.", int(p["count"])) % p
    if code in (PhotoProblem.FACE_TOO_SMALL, PhotoProblem.FACE_TOO_LARGE):
        return gettext("The face fills %(share)d%% of the height.") % p
    if code in (
        PhotoProblem.TOO_DARK,
        PhotoProblem.TOO_BRIGHT,
        PhotoProblem.LOW_CONTRAST,
        PhotoProblem.BLURRED,
    ):
        return gettext("Measured: %(value)d.") % p
    return ""


def reason_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """One problem in the active language: its label, then its figures."""
    label = str(LABELS.get(code, code))
    details = _details(code, params or {})
    return f"{label} {details}".strip()


def reasons_text(reasons: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Stored reasons ({code, params}) as {code, message} in the active language."""
    return [
        {"code": str(r["code"]), "message": reason_text(str(r["code"]), r.get("params") or {})}
        for r in reasons
    ]
