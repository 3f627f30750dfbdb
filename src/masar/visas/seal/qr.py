"""QR codes of seals: the binary seal in byte mode, error correction level M (segno).

Both functions are pure and cached on their arguments: a seal never changes once
signed, so its picture may be kept as long as the seal (ADR 0055). Drawing one
costs about 8 ms, two hundred times the signature.
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno


def _qr(seal: bytes) -> segno.QRCode:
    # boost_error=False keeps level M exactly; no ECI header, so scanners see plain bytes.
    return segno.make(seal, error="m", mode="byte", boost_error=False, micro=False)


@lru_cache(maxsize=512)
def seal_qr_svg(seal: bytes, *, scale: int = 4, border: int = 4, title: str | None = None) -> str:
    """An SVG document of the seal's QR code (``title`` becomes its accessible name)."""
    out = io.BytesIO()
    _qr(seal).save(out, kind="svg", scale=scale, border=border, title=title, xmldecl=False)
    return out.getvalue().decode("utf-8")


@lru_cache(maxsize=128)
def seal_qr_png(seal: bytes, *, scale: int = 4, border: int = 4) -> bytes:
    """A PNG image of the seal's QR code."""
    out = io.BytesIO()
    _qr(seal).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()
