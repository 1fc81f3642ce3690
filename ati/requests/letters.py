"""The letters of a request as PDF (WeasyPrint): the receipt, the answer, the extension
and the transfer letters, each downloaded from the request's page and sent with its
e-mail to the applicant under the same name (`*_filename`).

Rendered in the applicant's language; Arabic letters are laid out right to left.
Each is printed on the letterhead of the body that issues it and names who signs
it: a postal applicant has no page to look at, so the letter itself says by when
and to whom to complain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from ati.core.pdf import html_to_pdf
from ati.law import selectors as law
from ati.law.deadlines import add_period, describe_period

from .models import InformationRequest, Outcome


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str


def body_signatory(req: InformationRequest) -> Signatory:
    """The body's signatory (set in the admin); else the officer who answered.

    Called with the letter's language active: the title is picked in it.
    """
    body = req.body
    if body.signatory_name:
        return Signatory(body.signatory_name, body.signatory_title)
    officer = req.answered_by
    name = officer.full_name if officer is not None else ""
    return Signatory(name, body.signatory_title or gettext("The information officer"))


def render_letter(template: str, language: str, context: dict[str, Any]) -> bytes:
    """A letter in ``language``: the context's callables are called with it active."""
    with translation.override(language):
        values = {k: v() if callable(v) else v for k, v in context.items()}
        html = render_to_string(
            template,
            {
                "now": timezone.localtime(),
                "site_url": settings.ATI_SITE_URL,
                "rtl": translation.get_language_bidi(),
                "lang": language,
                **values,
            },
        )
    return html_to_pdf(html)


def _pdf(template: str, req: InformationRequest, context: dict[str, Any]) -> bytes:
    return render_letter(
        template,
        req.language,
        {
            "req": req,
            "reference": req.reference,
            "issuer": req.body,
            "signatory": lambda: body_signatory(req),
            **context,
        },
    )


def receipt_pdf(req: InformationRequest) -> bytes:
    """The récépissé: the reference and the dates that now run."""
    schedule = law.request_schedule(req.profile_version, req.received_on, urgent=req.urgent)
    explanation = schedule.response_due.explanation(req.language)
    return _pdf(
        "requests/letters/receipt.html",
        req,
        {"schedule": schedule, "due_explanation": explanation},
    )


@dataclass(frozen=True)
class Recourse:
    """Where and by when the applicant may challenge an answer, spelt out for the letter."""

    complaint_until: dt.date | None  # to the head of the body
    head_decides_within: str  # "15 jours ouvrables"
    appeal_until: dt.date | None  # to the commission, where there is no head step
    appeal_within: str  # after the head's decision


def recourse(req: InformationRequest) -> Recourse | None:
    """The windows counted from the answer (law-31-13.md § 5); None if nothing to challenge.

    The same reckoning as the appeals app's windows (counted from the answer's
    local date on the request's calendar), which this app cannot import.
    """
    withholds = req.outcome in (Outcome.REFUSED, Outcome.PARTIALLY_GRANTED)
    if req.answered_at is None or not (withholds or req.reproduction_cost):
        return None
    version = req.profile_version
    calendar = law.working_calendar(version)
    answered = timezone.localdate(req.answered_at)
    complaint = version.optional_period("complaint_window")
    head = version.optional_period("head_decision")
    commission = version.optional_period("commission_window")
    if complaint is None and commission is None:
        return None
    return Recourse(
        complaint_until=add_period(answered, complaint, calendar).due if complaint else None,
        head_decides_within=describe_period(head, req.language) if head else "",
        appeal_until=(
            add_period(answered, commission, calendar).due
            if commission and complaint is None
            else None
        ),
        appeal_within=describe_period(commission, req.language) if commission else "",
    )


def answer_pdf(req: InformationRequest) -> bytes:
    grounds = list(req.refusal_grounds.all())
    return _pdf(
        "requests/letters/answer.html",
        req,
        {"grounds": grounds, "recourse": recourse(req)},
    )


def _complaint_if_silent(req: InformationRequest) -> dt.date | None:
    """The last day to complain if the body lets the due date in force pass unanswered."""
    period = req.profile_version.optional_period("complaint_window")
    if period is None:
        return None
    return add_period(req.response_due, period, law.working_calendar(req.profile_version)).due


def receipt_filename(req: InformationRequest) -> str:
    return f"recepisse-{req.reference}.pdf"


def answer_filename(req: InformationRequest) -> str:
    return f"reponse-{req.reference}.pdf"


def extension_filename(req: InformationRequest) -> str:
    return f"prorogation-{req.reference}.pdf"


def transfer_filename(req: InformationRequest) -> str:
    return f"transfert-{req.reference}.pdf"


def extension_pdf(req: InformationRequest) -> bytes:
    """The body extends its time to answer: the new date, why, and what if it passes."""
    return _pdf(
        "requests/letters/extension.html",
        req,
        {
            "explanation": req.explain_due(req.language),
            "complain_until": _complaint_if_silent(req),
        },
    )


def transfer_pdf(req: InformationRequest) -> bytes:
    """The request goes to the body that holds the information: where, under which reference."""
    return _pdf("requests/letters/transfer.html", req, {"new": req.transferred_to})
