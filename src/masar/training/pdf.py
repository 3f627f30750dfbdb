"""The certificate as a bilingual PDF (WeasyPrint): Arabic right to left, shaped by Pango
with the vendored Noto Naskh Arabic font, and a QR code of the public verification page."""

from __future__ import annotations

import segno

from masar.core.dates import hijri_display, riyadh_today
from masar.training.models import Certificate
from masar.web.pdf import pdf_render


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
        "issued_ar": hijri_display(certificate.issued_on, "ar"),
        "issued_en": hijri_display(certificate.issued_on, "en"),
        "until_ar": hijri_display(certificate.valid_until, "ar") if certificate.valid_until else "",
        "until_en": hijri_display(certificate.valid_until, "en") if certificate.valid_until else "",
    }
    return pdf_render("training/certificate_pdf.html", context)
