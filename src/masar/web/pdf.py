"""Masar's PDFs (certificates, e-visas, weekly reports) are HTML rendered by WeasyPrint:
Arabic right to left, shaped by Pango with the vendored Noto Naskh Arabic font. Only local
files and data: URIs are fetched, never the network: a template cannot make WeasyPrint reach
out. Templates put `{% include "web/pdf_fonts.html" %}` in their stylesheet."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from masar.core.error_codes import CoreError
from masar.core.errors import Unavailable
from masar.core.system_check import missing_line, missing_requirements

logger = logging.getLogger(__name__)

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


@functools.cache
def pdf_libraries_missing() -> str:
    """The line naming the system libraries WeasyPrint lacks here ("" when none): checked
    once per process, before WeasyPrint is first imported."""
    missing = missing_requirements()
    return missing_line(missing) if missing else ""


def pdf_render(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF with the vendored fonts (`fonts` in its context).

    On a server without WeasyPrint's system libraries this refuses with 503 and logs the
    line naming the Debian packages, instead of failing inside WeasyPrint's import."""
    missing = pdf_libraries_missing()
    if missing:
        logger.error("%s", missing)
        raise Unavailable(
            CoreError.PDF_UNAVAILABLE,
            _("PDF documents cannot be made on this server at the moment."),
        )
    from weasyprint import HTML, URLFetcher

    html = render_to_string(template_name, {**context, "fonts": font_uris()})
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()
