"""The commission's decision letter as PDF (WeasyPrint), numbered, in the applicant's language.

Printed on the commission's own letterhead and signed for it (`Commission`, edited
in the admin): the body whose answer is judged is a party, not the issuer.
Reuses the look of the request letters (`requests/letters/_letter.html`);
Arabic letters are laid out right to left.
"""

from __future__ import annotations

from django.utils.translation import gettext

from ati.law import selectors as law
from ati.law.deadlines import add_period
from ati.requests.letters import Signatory, render_letter

from .models import Appeal, Commission, Complaint, ComplaintState


def decision_filename(appeal: Appeal) -> str:
    return f"decision-{appeal.decision_number}.pdf"


def complaint_decision_filename(complaint: Complaint) -> str:
    return f"reclamation-{complaint.request.reference}-{complaint.pk}.pdf"


def decision_pdf(appeal: Appeal) -> bytes:
    req = appeal.request
    commission = Commission.current()
    return render_letter(
        "appeals/letters/decision.html",
        req.language,
        {
            "appeal": appeal,
            "req": req,
            "reference": appeal.decision_number,
            "issuer": commission,
            "signatory": lambda: Signatory(commission.signatory_name, commission.signatory_title),
            "complaint": appeal.complaint,
            "grounds": list(req.refusal_grounds.all()),
        },
    )


def complaint_decision_pdf(complaint: Complaint) -> bytes:
    """The head of the body's decision on a complaint, on the body's letterhead, signed by
    the head; a confirmed answer says until when and where to appeal to the commission."""
    req = complaint.request
    appeal_until = None
    period = req.profile_version.optional_period("commission_window")
    decided_on = complaint.decision_date
    if complaint.state == ComplaintState.CONFIRMED and period and decided_on:
        appeal_until = add_period(decided_on, period, law.working_calendar(req.profile_version)).due
    head = complaint.decided_by
    return render_letter(
        "appeals/letters/complaint_decision.html",
        req.language,
        {
            "complaint": complaint,
            "req": req,
            "reference": req.reference,
            "issuer": req.body,
            "signatory": lambda: Signatory(
                head.full_name if head is not None else "", gettext("The head of the body")
            ),
            "appeal_until": appeal_until,
            "commission": Commission.current(),
        },
    )
