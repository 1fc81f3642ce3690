"""The letters of a request as PDF (WeasyPrint): the receipt and the answer letter.

Rendered in the applicant's language; Arabic letters are laid out right to left.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ati.core.pdf import html_to_pdf
from ati.law import selectors as law

from .models import InformationRequest


def _pdf(template: str, req: InformationRequest, context: dict[str, Any]) -> bytes:
    with translation.override(req.language):
        html = render_to_string(
            template,
            {
                "req": req,
                "now": timezone.localtime(),
                "site_url": settings.ATI_SITE_URL,
                "rtl": translation.get_language_bidi(),
                "lang": req.language,
                **context,
            },
        )
    return html_to_pdf(html)


def receipt_pdf(req: InformationRequest) -> bytes:
    """The récépissé: the reference and the dates that now run."""
    schedule = law.request_schedule(req.profile_version, req.received_on, urgent=req.urgent)
    explanation = schedule.response_due.explanation(req.language)
    return _pdf(
        "requests/letters/receipt.html",
        req,
        {"schedule": schedule, "due_explanation": explanation},
    )


def answer_pdf(req: InformationRequest) -> bytes:
    grounds = list(req.refusal_grounds.all())
    return _pdf("requests/letters/answer.html", req, {"grounds": grounds})
