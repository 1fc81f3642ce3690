"""Every letter type, in French and in Arabic, read back from the PDF as a postal applicant
would read it: whose letterhead, who signs, which dates, and no English left over.

With ATI_LETTER_IMAGES=docs/img/letters, each letter's first page is also written there
as a PNG (pdftoppm), to be looked at and shown in the guides.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.utils import translation

from ati.appeals import letters as appeal_letters
from ati.appeals import services
from ati.appeals.models import Commission, Decision, Ground
from ati.requests import letters as request_letters
from ati.requests import services as request_services
from tests.pdf import pdftotext

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext)"),
]

BODY = {
    "fr": "Ministère de la Santé et de la Protection sociale",
    "ar": "وزارة الصحة والحماية الاجتماعية",
}
BODY_SIGNATORY = ("Karim Bennani", {"fr": "Chargé de l'information", "ar": "المكلف بالمعلومات"})
COMMISSION_SIGNATORY = ("Omar Seghrouchni", {"fr": "Président de la CDAI", "ar": "رئيس اللجنة"})
COMMISSION = {"fr": "Commission du droit d'accès", "ar": "لجنة الحق في الحصول على المعلومات"}

# Strings of the English catalogue that a letter could leak if a msgid has no translation.
ENGLISH = re.compile(
    r"\b(Reference|Received on|Issued on|Subject|Outcome|Answered on|Applicant|Decision|"
    r"Answer due by|Legal grounds|Dear|complain|the body|commission)\b"
)
# Every date a letter prints is written out: "1er décembre 2026" / "1 دجنبر 2026".
MONTHS = {
    "fr": r"\d{1,2}(er)? (octobre|novembre|décembre) 2026",
    # pdftotext loses the space between a number and the Arabic word next to it.
    "ar": r"\d{1,2}\s*(أكتوبر|نونبر|دجنبر)\s*2026",
}


def pdf_text(pdf: bytes) -> str:
    return pdftotext(pdf, layout=True)


def write_image(name: str, pdf: bytes) -> None:
    target = os.environ.get("ATI_LETTER_IMAGES")
    if not target:
        return
    Path(target).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "letter.pdf")
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(path),
                str(Path(target, name)),
            ],
            check=True,
        )


@pytest.fixture
def signed(body):
    body.name_fr, body.name_ar = BODY["fr"], BODY["ar"]
    body.address = "Avenue Mohammed V, BP 1234, Rabat"
    body.signatory_name = BODY_SIGNATORY[0]
    body.signatory_title_fr = BODY_SIGNATORY[1]["fr"]
    body.signatory_title_ar = BODY_SIGNATORY[1]["ar"]
    body.save()
    Commission(
        name_fr=COMMISSION["fr"] + " à l'information (CDAI)",
        name_ar=COMMISSION["ar"],
        address="Rue Ibn Sina, Agdal, Rabat",
        signatory_name=COMMISSION_SIGNATORY[0],
        signatory_title_fr=COMMISSION_SIGNATORY[1]["fr"],
        signatory_title_ar=COMMISSION_SIGNATORY[1]["ar"],
    ).save()
    return body


TEXT = {"fr": "Veuillez trouver ci-joint le budget.", "ar": "تجدون رفقته الميزانية."}


def _answered(make_request, officer, language, outcome):
    req = make_request(language=language)
    withholds = outcome in ("refused", "partially_granted")
    return request_services.answer(
        officer,
        req,
        outcome=outcome,
        text=TEXT[language],
        grounds=["state-security"] if withholds else [],
        withheld="Les annexes 3 et 4." if outcome == "partially_granted" else "",
        holder="Agence nationale des ports" if outcome == "not_held" else "",
    )


def _decided(req, citizen, head, officer, commissioner, decision):
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    services.confirm_complaint(head, complaint, text="Confirmé.")
    appeal = services.file_appeal(citizen, req, reasons="Appel à la commission.")
    services.declare_admissible(commissioner, appeal)
    services.request_observations(commissioner, appeal, note="Vos observations ?")
    services.submit_observations(officer, appeal, text="Sécurité.")
    return services.decide(commissioner, appeal, decision=decision, reasons="Aucune exception.")


def check(text: str, language: str, *, issuer: str, signatory: tuple[str, dict[str, str]]) -> None:
    head = text[: len(text) // 3]
    assert issuer in head, f"letterhead: {issuer!r} not at the top"
    assert signatory[0] in text and signatory[1][language] in text, "signatory"
    assert re.search(MONTHS[language], text), "a date written out"
    assert not re.search(r"\d{2}/\d{2}/\d{4}", text), "one date format"
    if language == "ar":
        leaked = ENGLISH.findall(text)
        assert not leaked, f"English in the Arabic letter: {leaked}"
    else:
        leaked = [w for w in ENGLISH.findall(text) if w not in ("Decision",)]
        assert not leaked, f"English in the French letter: {leaked}"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_receipt(signed, make_request, language):
    req = make_request(language=language)
    pdf = request_letters.receipt_pdf(req)
    write_image(f"receipt-{language}", pdf)
    text = pdf_text(pdf)
    check(text, language, issuer=BODY[language], signatory=BODY_SIGNATORY)
    assert req.reference in text
    assert translation.get_language() == "fr"


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("outcome", ["granted", "partially_granted", "refused", "not_held"])
def test_answer(signed, make_request, officer, language, outcome):
    req = _answered(make_request, officer, language, outcome)
    pdf = request_letters.answer_pdf(req)
    write_image(f"answer-{outcome.replace('_', '-')}-{language}", pdf)
    text = pdf_text(pdf)
    check(text, language, issuer=BODY[language], signatory=BODY_SIGNATORY)
    if outcome in ("refused", "partially_granted"):
        # Where and by when to complain, for an applicant who has no page to look at.
        assert "Avenue Mohammed V" in text
        assert ("réclamation" in text) if language == "fr" else ("شكاية" in text)
        assert "page" not in text


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("decision", [Decision.DISCLOSURE_ORDERED, Decision.CONFIRMED])
def test_commission_decision(
    signed, refused, citizen, head, officer, commissioner, language, decision
):
    appeal = _decided(refused(language=language), citizen, head, officer, commissioner, decision)
    pdf = appeal_letters.decision_pdf(appeal)
    write_image(f"decision-{decision.replace('_', '-')}-{language}", pdf)
    text = pdf_text(pdf)
    check(text, language, issuer=COMMISSION[language], signatory=COMMISSION_SIGNATORY)
    # On the commission's letterhead, not the body's: the body is only a party.
    assert BODY[language] not in text[: text.index(COMMISSION[language]) + 1]
    assert appeal.decision_number in text


def test_arabic_e_mails_isolate_references_and_names(make_request):
    from django.template.loader import render_to_string

    req = make_request(language="ar")
    with translation.override("ar"):
        text = render_to_string("requests/email/submitted.txt", {"req": req})
    assert f"\u2068{req.reference}\u2069" in text
    assert f"\u2068{req.applicant_name}\u2069" in text
    assert "يوم عمل" in text  # the explanation, in the recipient's language
    with translation.override("fr"):
        text = render_to_string("requests/email/submitted.txt", {"req": req})
    assert "\u2068" not in text and "jours ouvrables" in text


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_extension(client, signed, make_request, officer, language):
    req = request_services.extend(
        officer, make_request(language=language), reason="Volume des documents à réunir."
    )
    pdf = request_letters.extension_pdf(req)
    write_image(f"extension-{language}", pdf)
    text = pdf_text(pdf)
    check(text, language, issuer=BODY[language], signatory=BODY_SIGNATORY)
    assert "Avenue Mohammed V" in text  # where to complain if the new date passes
    assert ("jours ouvrables" in text) if language == "fr" else ("يوم عمل" in text)
    client.force_login(officer)
    url = f"/requests/{req.reference}/extension.pdf"
    assert client.get(url)["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_transfer(client, signed, make_request, officer, other_body, language):
    other_body.address = "Port de Casablanca"
    other_body.save()
    req = make_request(language=language)
    request_services.transfer(officer, req, to_body=other_body, reason="Détenue par le port.")
    req.refresh_from_db()
    pdf = request_letters.transfer_pdf(req)
    write_image(f"transfer-{language}", pdf)
    text = pdf_text(pdf)
    check(text, language, issuer=BODY[language], signatory=BODY_SIGNATORY)
    new = req.transferred_to
    assert new.reference in text and "Port de Casablanca" in text
    client.force_login(officer)
    assert client.get(f"/requests/{req.reference}/transfer.pdf").status_code == 200
    assert client.get(f"/requests/{new.reference}/transfer.pdf").status_code == 404


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("decision", ["confirm", "overturn"])
def test_complaint_decision(client, signed, refused, citizen, head, language, decision):
    req = refused(language=language)
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    head.full_name = "Nadia El Fassi"
    head.save()
    decide = services.confirm_complaint if decision == "confirm" else services.overturn_complaint
    complaint = decide(
        head,
        complaint,
        text="La réponse est maintenue." if decision == "confirm" else "Communiquez.",
    )
    pdf = appeal_letters.complaint_decision_pdf(complaint)
    write_image(f"complaint-{decision}ed-{language}", pdf)
    text = pdf_text(pdf)
    title = {"fr": "Le chef de l'organisme", "ar": "رئيس الهيئة"}
    check(text, language, issuer=BODY[language], signatory=("Nadia El Fassi", title))
    if decision == "confirm":  # where and until when to appeal, for a postal applicant
        assert "Rue Ibn Sina" in text
    client.force_login(citizen)
    response = client.get(f"/complaints/{complaint.pk}/decision.pdf")
    assert response["Content-Type"] == "application/pdf"
