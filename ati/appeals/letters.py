"""The commission's decision letter as PDF (WeasyPrint), numbered, in the applicant's language.

Printed on the commission's own letterhead and signed for it (`Commission`, edited
in the admin): the body whose answer is judged is a party, not the issuer.
Reuses the look of the request letters (`requests/letters/_letter.html`);
Arabic letters are laid out right to left.
"""

from __future__ import annotations

from ati.requests.letters import Signatory, render_letter

from .models import Appeal, Commission


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
