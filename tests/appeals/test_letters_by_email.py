"""The head of the body's decision on a complaint goes with its e-mail to the applicant
(issue 18): the letter the complaint's page offers, under the same name, in the
applicant's language, with the decision, its reference, and what follows from it."""

from __future__ import annotations

import shutil

import pytest
from django.core import mail
from django.utils import translation

from ati.appeals import services
from ati.appeals.models import Commission, ComplaintState, Ground
from ati.law.deadlines import format_date
from ati.notifications.models import NotificationAttachment
from tests.requests.test_letters_by_email import pdftotext, squeezed, the_letter

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext)"),
]

DECISION = {
    "confirm": {"fr": "La sécurité de l'État l'exige.", "ar": "أمن الدولة يقتضي ذلك."},
    "overturn": {"fr": "Communiquez le budget.", "ar": "يجب تسليم الميزانية."},
}


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("decision", ["confirm", "overturn"])
def test_the_heads_decision_letter_goes_with_its_e_mail(
    refused, citizen, head, language, decision, django_capture_on_commit_callbacks
):
    Commission(name_fr="CDAI", name_ar="لجنة الحق في الحصول على المعلومات").save()
    req = refused(language=language)
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    mail.outbox = []
    decide = services.confirm_complaint if decision == "confirm" else services.overturn_complaint
    with django_capture_on_commit_callbacks(execute=True):
        complaint = decide(head, complaint, text=DECISION[decision][language])
    name = f"reclamation-{req.reference}-{complaint.pk}.pdf"
    body, pdf = the_letter(req.applicant_email, name)
    text = pdftotext(pdf)
    assert req.reference in text
    with translation.override(language):
        state = str(complaint.get_state_display())
        attached = translation.gettext("The decision letter is attached.")
    # The decision, in the letter and the e-mail. (Its head words only: in Arabic, pdftotext
    # reads the lam-kaf ligature of "الكشف" back as two lams.)
    assert squeezed(state.split(":")[0]) in text and state in body
    assert squeezed(DECISION[decision][language]) in text
    req.refresh_from_db()
    if complaint.state == ComplaintState.OVERTURNED:  # by when the body must now answer
        assert squeezed(format_date(req.response_due, language, weekday=False)) in text
    else:  # whom to appeal to
        assert squeezed({"fr": "CDAI", "ar": "لجنة الحق في الحصول على المعلومات"}[language]) in text
    assert attached in body
    assert NotificationAttachment.objects.get(name=name).maker == "appeals.complaint_decision"
    # The body's officers are told of a reopened request, without the applicant's letter.
    to_body = [m for m in mail.outbox if m.to != [req.applicant_email]]
    assert not any(m.attachments for m in to_body)
    assert bool(to_body) == (decision == "overturn")
