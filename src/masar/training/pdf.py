"""The certificate as a bilingual PDF (WeasyPrint): Arabic right to left, shaped by Pango
with the vendored Noto Naskh Arabic font, and a QR code of the public verification page."""

from __future__ import annotations

from pathlib import Path

import segno
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher

from masar.core.dates import hijri_display, riyadh_today
from masar.training.models import Certificate

FONT_FILES = {
    "arabic_400": "masar/fonts/noto-naskh-arabic-arabic-400-normal.woff2",
    "arabic_700": "masar/fonts/noto-naskh-arabic-arabic-700-normal.woff2",
    "latin_400": "masar/fonts/noto-naskh-arabic-latin-400-normal.woff2",
    "latin_700": "masar/fonts/noto-naskh-arabic-latin-700-normal.woff2",
}


def font_uris() -> dict[str, str]:
    """file:// addresses of the vendored fonts, for @font-face in the PDF's stylesheet."""
    uris = {}
    for key, name in FONT_FILES.items():
        found = finders.find(name)
        if not found:
            raise FileNotFoundError(f"vendored font {name} is missing from the static files")
        uris[key] = Path(str(found)).resolve().as_uri()
    return uris


def qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    """Render one certificate. Only local files and data: URIs are fetched, never the
    network: the template cannot make WeasyPrint reach out."""
    today = riyadh_today()
    context = {
        "certificate": certificate,
        "course": certificate.course,
        "state": certificate.state_on(today),
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
        "fonts": font_uris(),
        "issued_ar": hijri_display(certificate.issued_on, "ar"),
        "issued_en": hijri_display(certificate.issued_on, "en"),
        "until_ar": hijri_display(certificate.valid_until, "ar") if certificate.valid_until else "",
        "until_en": hijri_display(certificate.valid_until, "en") if certificate.valid_until else "",
    }
    html = render_to_string("training/certificate_pdf.html", context)
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()
