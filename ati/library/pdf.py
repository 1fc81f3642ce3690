"""The published PDF, regenerated from the approved public text only.

The original (and any attachment) is never copied into the file: the PDF is
rendered by WeasyPrint from `public_text`, so no redacted value can remain.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Publication


def publication_pdf(pub: Publication) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which pages do not need

    with translation.override(pub.language):
        html = render_to_string(
            "library/pdf.html",
            {
                "pub": pub,
                "rtl": pub.language == "ar",
                "lang": pub.language,
                "site_url": settings.ATI_SITE_URL,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
