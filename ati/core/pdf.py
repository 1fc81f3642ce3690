"""HTML to PDF with WeasyPrint, for every letter and report of the site."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpResponse


@functools.cache
def _font_config() -> Any:
    # One per process: WeasyPrint otherwise builds one per document, which cost a
    # third of a French receipt's time (bench/bench_receipt.py).
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    """The PDF of a page rendered from our templates (fonts and images from the project)."""
    from weasyprint import HTML  # imported late: it loads Pango, which pages do not need

    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=_font_config()
    )
    return pdf


def pdf_download(content: bytes, filename: str) -> HttpResponse:
    """A letter as a page answers it: a PDF download under its own name."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
