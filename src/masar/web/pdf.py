"""Masar's PDFs (certificates, e-visas, weekly reports) are HTML rendered by WeasyPrint:
Arabic right to left, shaped by Pango with the vendored Noto Naskh Arabic font. Only local
files and data: URIs are fetched, never the network: a template cannot make WeasyPrint reach
out. Templates put `{% include "web/pdf_fonts.html" %}` in their stylesheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

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


def pdf_render(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF with the vendored fonts (`fonts` in its context)."""
    from weasyprint import HTML, URLFetcher

    html = render_to_string(template_name, {**context, "fonts": font_uris()})
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()
