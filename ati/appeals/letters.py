"""The commission's decision letter as PDF (WeasyPrint), numbered, in the applicant's language.

Reuses the look of the request letters (`requests/letters/_letter.html`);
Arabic letters are laid out right to left.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ati.core.pdf import html_to_pdf

from .models import Appeal


def decision_pdf(appeal: Appeal) -> bytes:

    req = appeal.request
    with translation.override(req.language):
        html = render_to_string(
            "appeals/letters/decision.html",
            {
                "appeal": appeal,
                "req": req,
                "complaint": appeal.complaint,
                "grounds": list(req.refusal_grounds.all()),
                "now": timezone.localtime(),
                "site_url": settings.ATI_SITE_URL,
                "rtl": translation.get_language_bidi(),
                "lang": req.language,
            },
        )
    return html_to_pdf(html)
