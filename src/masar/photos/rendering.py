"""The portrait where a page cannot fetch it (the visa PDF, the border desk's verdict):
inline as a data: URI. The CSP allows data: images; the store is never public."""

from __future__ import annotations

import base64
import mimetypes

from django.db.models.fields.files import FieldFile

from masar.applications.models import Pilgrim
from masar.photos.models import Portrait


def _read(file: FieldFile) -> bytes:
    try:
        with file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return b""


def portrait_data_uri(pilgrim: Pilgrim | None) -> str:
    """The pilgrim's normalised portrait (else an older unchecked photo) as a data: URI;
    empty when there is none."""
    if pilgrim is None:
        return ""
    portrait = Portrait.objects.filter(pilgrim=pilgrim).first()
    if portrait is not None:
        data, kind = _read(portrait.image), "image/jpeg"
    elif pilgrim.photo:
        data = _read(pilgrim.photo)
        kind = mimetypes.guess_type(pilgrim.photo.name or "")[0] or "image/jpeg"
    else:
        return ""
    if not data:
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"
