"""The published PDF, regenerated from the approved public text only.

The original (and any attachment) is never copied into the file: the PDF is
rendered by WeasyPrint from `public_text`, so no redacted value can remain.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from ati.core.pdf import html_to_pdf

from .models import Publication


def publication_pdf(pub: Publication) -> bytes:
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
    return html_to_pdf(html)
