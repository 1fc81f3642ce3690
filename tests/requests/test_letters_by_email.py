"""The extension and transfer letters go with their e-mail to the applicant (issue 18): the
same PDF as the request page's download, under the same name, in the applicant's language,
saying what the e-mail says. Made by the worker at delivery, then kept: a retry sends the
same document."""

from __future__ import annotations

import re
import shutil

import pytest
from django.core import mail
from django.utils import translation

from ati.accounts.models import Role
from ati.law.deadlines import format_date
from ati.notifications.models import NotificationAttachment
from ati.requests import services
from tests.factories import member
from tests.pdf import BIDI_MARKS
from tests.pdf import pdftotext as pdf_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext)"),
]

REASON = {
    "fr": "Les registres de 2025 sont aux archives provinciales.",
    "ar": "سجلات 2025 محفوظة في الأرشيف الإقليمي.",
}


def pdftotext(pdf: bytes) -> str:
    """The letter's text as a reader gets it, `squeezed`: pdftotext spaces Arabic its own
    way, and places the punctuation next to it where its bidi runs end."""
    return squeezed(pdf_text(pdf))


def squeezed(text: str) -> str:
    """Without spaces, bidi marks, nor the punctuation that ends a phrase."""
    return re.sub(f"[\\s{BIDI_MARKS}.,:;،؛]", "", text)


def attached(sentence: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(sentence)


def the_letter(address: str, name: str) -> tuple[str, bytes]:
    """The one e-mail to the address carrying the named PDF: (its text, the PDF)."""
    sent = [m for m in mail.outbox if m.to == [address]]
    carrying = [m for m in sent if any(a[0] == name for a in m.attachments)]
    assert len(carrying) == 1, [(m.subject, [a[0] for a in m.attachments]) for m in sent]
    message = carrying[0]
    (attachment,) = [a for a in message.attachments if a[0] == name]
    assert attachment[2] == "application/pdf" and attachment[1].startswith(b"%PDF")
    return message.body, attachment[1]


@pytest.fixture
def submitted(body, citizen, clock, django_capture_on_commit_callbacks):
    from .conftest import applicant_details, request_details

    def _submit(language):
        with django_capture_on_commit_callbacks(execute=True):
            req = services.submit_request(
                citizen,
                body=body,
                applicant=applicant_details(email=citizen.email, language=language),
                details=request_details(),
            )
        mail.outbox = []
        return req

    return _submit


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_extension_letter_goes_with_its_e_mail(
    submitted, officer, language, django_capture_on_commit_callbacks
):
    req = submitted(language)
    first_due = req.response_due
    with django_capture_on_commit_callbacks(execute=True):
        req = services.extend(officer, req, reason=REASON[language])
    assert req.response_due > first_due
    body, pdf = the_letter(req.applicant_email, f"prorogation-{req.reference}.pdf")
    text = pdftotext(pdf)
    assert req.reference in text
    new_due = format_date(req.response_due, language, weekday=False)
    assert squeezed(new_due) in text, new_due
    assert squeezed(format_date(first_due, language, weekday=False)) in text
    assert squeezed(REASON[language]) in text
    # The e-mail says the same date, in the same language, and that the letter is attached.
    assert new_due in body
    assert attached("The extension letter is attached.", language) in body
    # Made once, then kept with the notice: a retry attaches the same file.
    (kept,) = NotificationAttachment.objects.filter(name=f"prorogation-{req.reference}.pdf")
    assert kept.maker == "requests.extension_letter" and kept.file


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_transfer_letter_goes_with_its_e_mail(
    submitted, officer, other_body, language, django_capture_on_commit_callbacks
):
    other_body.name_fr, other_body.name_ar = "Agence nationale des ports", "الوكالة الوطنية للموانئ"
    other_body.save()
    req = submitted(language)
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer(officer, req, to_body=other_body, reason=REASON[language])
    req.refresh_from_db()
    new = req.transferred_to
    body, pdf = the_letter(req.applicant_email, f"transfert-{req.reference}.pdf")
    text = pdftotext(pdf)
    assert req.reference in text and new.reference in text
    assert squeezed({"fr": other_body.name_fr, "ar": other_body.name_ar}[language]) in text
    assert squeezed(format_date(new.response_due, language, weekday=False)) in text
    assert new.reference in body
    assert attached("The transfer letter is attached.", language) in body


def test_only_the_applicant_gets_the_letter(
    submitted, officer, other_body, django_capture_on_commit_callbacks
):
    receiving = member(Role.OFFICER, other_body)
    req = submitted("fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer(officer, req, to_body=other_body, reason=REASON["fr"])
    assert [m.to for m in mail.outbox if m.to != [req.applicant_email]] == [[receiving.email]]
    others = [m for m in mail.outbox if m.to != [req.applicant_email]]
    assert others and not any(m.attachments for m in others)
