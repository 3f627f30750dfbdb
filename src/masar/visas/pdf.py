"""The e-visa as a bilingual PDF (WeasyPrint): Arabic right to left, shaped by Pango with
the vendored Noto Naskh Arabic font, with the holder's photo, the visa's data, its MRZ and
the seal's QR code. Only local files and data: URIs are fetched, never the network."""

from __future__ import annotations

import base64

from masar.core.dates import hijri_display
from masar.photos.rendering import portrait_data_uri
from masar.visas.models import Visa
from masar.visas.seal import seal_qr_svg
from masar.web.pdf import pdf_render

TYPE_AR = {"umrah": "عمرة", "hajj": "حج", "visit": "زيارة"}
STATUS_AR = {"valid": "سارية", "cancelled": "ملغاة", "lapsed": "منتهية دون استخدام"}


def _photo_uri(visa: Visa) -> str:
    return portrait_data_uri(visa.application.pilgrim)


def _qr_uri(visa: Visa) -> str:
    svg = seal_qr_svg(bytes(visa.seal), scale=3, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def visa_pdf(*, visa: Visa) -> bytes:
    """Render one e-visa (one A4 page)."""
    app = visa.application
    pilgrim = app.pilgrim
    context = {
        "visa": visa,
        "application": app,
        "pilgrim": pilgrim,
        "season": visa.season,
        "photo": _photo_uri(visa),
        "qr": _qr_uri(visa),
        "type_ar": TYPE_AR.get(visa.visa_type, visa.visa_type),
        "status_ar": STATUS_AR.get(visa.status, visa.status),
        "from_ar": hijri_display(visa.valid_from, "ar"),
        "until_ar": hijri_display(visa.valid_until, "ar"),
        "from_en": hijri_display(visa.valid_from, "en"),
        "until_en": hijri_display(visa.valid_until, "en"),
        "entries_en": "Multiple" if visa.entries == 0 else str(visa.entries),
        "entries_ar": "متعددة" if visa.entries == 0 else str(visa.entries),
    }
    return pdf_render("visas/visa_pdf.html", context)
