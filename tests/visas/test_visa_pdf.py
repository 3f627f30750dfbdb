"""The e-visa PDF: rendered by WeasyPrint with the vendored Arabic font, drawn to an image
by PDFium; the text layer holds the visa's data and its MRZ. The rendered page is the
documentation's example image: written to docs/screenshots/ only when asked
(MASAR_WRITE_SCREENSHOTS=1), so a test run leaves the tree clean."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from masar.visas.pdf import visa_pdf

if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
    import pypdfium2 as pdfium
else:
    pdfium = pytest.importorskip("pypdfium2", reason="pip install pypdfium2 (dev dependency)")

pytestmark = pytest.mark.django_db

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "visa-document.png"


def _screenshot_target() -> Path | None:
    """Where to write the example image: docs/screenshots/ when MASAR_WRITE_SCREENSHOTS=1."""
    if os.environ.get("MASAR_WRITE_SCREENSHOTS", "") == "1":
        return SCREENSHOT
    return None


def _png(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _render(pdf: bytes) -> tuple[Any, str]:
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    page = document[0]
    return page.render(scale=1.5).to_pil(), page.get_textpage().get_text_range()


def _font_names(pdf: bytes) -> set[str]:
    import ctypes

    import pypdfium2.raw as raw

    textpage = pdfium.PdfDocument(pdf)[0].get_textpage()
    names = set()
    for index in range(textpage.count_chars()):
        buffer = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        raw.FPDFText_GetFontInfo(textpage.raw, index, buffer, 256, ctypes.byref(flags))
        if buffer.value:
            names.add(buffer.value.decode().partition("+")[2])
    return names


def test_the_visa_document_has_the_data_the_mrz_and_ink(issued: Any) -> None:
    visa = issued()
    pdf = visa_pdf(visa=visa)
    assert pdf.startswith(b"%PDF-")
    image, text = _render(pdf)
    width, height = image.size
    assert height > width  # A4 portrait
    grey = image.convert("L")
    dark = sum(grey.histogram()[:128])
    assert dark > 0.01 * width * height  # frame, text and QR
    pilgrim = visa.application.pilgrim
    for expected in (
        visa.number,
        pilgrim.passport_number,
        "Kingdom of Saudi Arabia",
        visa.valid_until.isoformat(),
    ):
        assert expected in text, expected
    compact = text.replace("\r", "").replace(" ", "")
    assert visa.mrz_line1 in compact and visa.mrz_line2 in compact
    # The Arabic is drawn with the vendored Arabic font (shaped by Pango; the shaping and
    # the right-to-left order of that font are checked in tests/training/test_certificate_pdf).
    assert {"Masar-Naskh", "Masar-Naskh-Bold"} <= _font_names(pdf)
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)
    png = _png(image)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    target = _screenshot_target()
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png)


def test_the_example_image_is_written_only_when_asked(monkeypatch: Any) -> None:
    monkeypatch.delenv("MASAR_WRITE_SCREENSHOTS", raising=False)
    assert _screenshot_target() is None
    monkeypatch.setenv("MASAR_WRITE_SCREENSHOTS", "0")
    assert _screenshot_target() is None
    monkeypatch.setenv("MASAR_WRITE_SCREENSHOTS", "1")
    assert _screenshot_target() == SCREENSHOT


def test_a_cancelled_visa_says_so(issued: Any, visa_officer: Any) -> None:
    from masar.visas.services import visa_cancel

    visa = issued()
    visa_cancel(actor=visa_officer, number=visa.number, reason_code="fraud")
    visa.refresh_from_db()
    _, text = _render(visa_pdf(visa=visa))
    assert "CANCELLED" in text


def test_the_pdf_endpoint_is_scoped(
    api: Any, issued: Any, company_staff: Any, other_company_staff: Any
) -> None:
    visa = issued()
    mine = api(company_staff).get(f"/api/v1/visas/{visa.number}/document.pdf")
    assert (mine.status_code, mine["Content-Type"]) == (200, "application/pdf")
    assert mine.content.startswith(b"%PDF-")
    assert (
        api(other_company_staff).get(f"/api/v1/visas/{visa.number}/document.pdf").status_code == 404
    )
