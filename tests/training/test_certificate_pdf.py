"""The certificate PDF: rendered by WeasyPrint with the vendored Arabic font, drawn to an
image by PDFium to check that the page is not blank and that the Arabic is there."""

from __future__ import annotations

import os

import pytest

from masar.training.pdf import certificate_pdf
from masar.web.pdf import font_uris
from tests.training.factories import CertificateFactory

pytestmark = pytest.mark.django_db

if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
    import pypdfium2 as pdfium  # CI must have it: a dev dependency
else:
    pdfium = pytest.importorskip("pypdfium2", reason="pip install pypdfium2 (dev dependency)")


@pytest.fixture
def certificate(company_staff, course):
    company_staff.first_name = "Ahmed"
    company_staff.last_name = "Al-Zahrani"
    company_staff.save()
    return CertificateFactory(
        holder=company_staff,
        course=course,
        holder_name_en="Ahmed Al-Zahrani",
        holder_name_ar="أحمد الزهراني",
    )


def _render(pdf: bytes):
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    page = document[0]
    image = page.render(scale=1).to_pil().convert("L")
    text = page.get_textpage().get_text_range()
    return image, text


def test_the_certificate_is_one_page_with_ink_in_arabic_and_english(certificate):
    pdf = certificate_pdf(
        certificate=certificate,
        verify_url=f"https://masar.example/verify/certificate/{certificate.code}",
    )
    assert pdf.startswith(b"%PDF-")
    image, text = _render(pdf)
    width, height = image.size
    assert width > height  # A4 landscape
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 0.01 * width * height  # text, frame and QR: far from blank
    for expected in ("Ahmed Al-Zahrani", "Using the Umrah e-system", certificate.code):
        assert expected in text, expected
    assert "REVOKED" not in text
    # Every character is drawn with the vendored fonts: no system font stood in.
    assert _font_names(pdf) == {
        "Masar-Naskh",
        "Masar-Naskh-Bold",
        "Masar-Naskh-Latin",
        "Masar-Naskh-Latin-Bold",
    }


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


def _ink(html_body: str):
    """Render a fragment with the certificate's Arabic font; the page as a grey image."""
    from weasyprint import HTML

    fonts = font_uris()
    html = f"""<html><head><style>
      @font-face {{ font-family: "N"; src: url("{fonts["arabic_400"]}") format("woff2"); }}
      @page {{ size: 60mm 20mm; margin: 2mm; }}
      body {{ font-family: "N"; font-size: 24pt; margin: 0; }}
    </style></head><body>{html_body}</body></html>"""
    document = pdfium.PdfDocument(HTML(string=html).write_pdf())
    return document[0].render(scale=2).to_pil().convert("L")


def _alef_side(image) -> str:
    """Where the tallest stroke (the alef) stands within the ink: left or right."""
    width, height = image.size
    pixels = image.load()
    tops = {}
    for x in range(width):
        for y in range(height):
            if pixels[x, y] < 128:
                tops[x] = y
                break
    tallest = min(tops.values())
    alef_columns = [x for x, top in tops.items() if top <= tallest + 2]
    middle = (min(tops) + max(tops)) / 2
    return "right" if sum(alef_columns) / len(alef_columns) > middle else "left"


def test_the_arabic_is_shaped_joined_letters_differ_from_isolated_ones():
    joined = _ink('<p dir="rtl">ببب</p>').tobytes()
    apart = _ink('<p dir="rtl">ب\u200cب\u200cب</p>').tobytes()  # zero-width non-joiners
    assert joined != apart
    assert _ink('<p dir="rtl">ب\u200cب\u200cب</p>').tobytes() == apart  # deterministic


def test_the_arabic_runs_right_to_left():
    """Alef and dal never join the next letter, so each stands alone: the first letter of
    the word stands on the right. Drawn left to right, both answers would flip."""
    assert _alef_side(_ink('<p dir="rtl">اد</p>')) == "right"
    assert _alef_side(_ink('<p dir="rtl">دا</p>')) == "left"


def test_a_revoked_certificate_says_so_on_the_pdf(certificate):
    certificate.status = "revoked"
    certificate.save()
    pdf = certificate_pdf(certificate=certificate, verify_url="https://masar.example/v")
    _, text = _render(pdf)
    assert "REVOKED" in text


def test_fonts_are_vendored_files():
    uris = font_uris()
    assert set(uris) == {"arabic_400", "arabic_700", "latin_400", "latin_700"}
    assert all(uri.startswith("file://") and uri.endswith(".woff2") for uri in uris.values())
