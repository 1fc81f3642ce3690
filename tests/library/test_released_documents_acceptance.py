"""Issue 15's acceptance: an answer with a 5-page text PDF and a 3-page scan, published.

An officer answers with a text PDF (French and Arabic) and a scanner's PDF of three
photographed, slightly turned pages; the answer is proposed, the worker reads every page
(the scan by OCR), the review shows the pages and their boxes, and the approved PDF gives
none of the planted identities back to `pdftotext`, pypdf, `qpdf --qdf` plus grep or
`strings`, while the body's name, the amounts and the article numbers stay searchable.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from ati.library import search, services
from ati.library.models import DocumentPage, PublicationState
from ati.requests import services as request_services
from tests.requests.conftest import applicant_details, clock, request_details  # noqa: F401

from .document_samples import drawn_page, html_pdf, scanned

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("tesseract", "pdftotext", "qpdf", "strings")),
    reason="needs tesseract, poppler, qpdf and binutils",
)

PLANTED = {
    "last name": "Alaoui",
    "full name": "Karim Alaoui",
    "CIN": "AB123456",
    "CIN, spaced": "AB 123456",
    "CIN, hyphens": "AB-123-456",
    "phone": "0661234567",
    "phone, grouped": "06 61 23 45 67",
    "e-mail": "karim.alaoui@example.org",
    "address": "Orangers",
    "RIB": "011780000012345678901234",
    "RIB, grouped": "011 780 0000123456789012 34",
}
BODY = "Ministère de l'Équipement et de l'Eau"
TEXT_PAGES = [
    f"{BODY}. Réponse à la demande d'accès à l'information, en application de l'article 7.",
    "Le dossier de Monsieur Karim Alaoui, CIN AB123456, tél. 06 61 23 45 67, a été examiné.",
    "Courriel : karim.alaoui@example.org ; adresse : 12 rue des Orangers, Rabat.",
    "Le remboursement sera versé sur le RIB 011 780 0000123456789012 34 du demandeur.",
    "قدم السيد كريم العلوي طلبا إلى الوزارة. Le montant total du marché est de "
    "12\u00a0500\u00a0000 dirhams (article 7).",
]
SCAN_PAGES = [
    [BODY, "Objet : votre demande d'information", "Monsieur Karim Alaoui,", "CIN AB 123456"],
    ["Pièce d'identité : CIN AB-123-456", "Téléphone : 0661234567", "Budget : 3 480 000 dirhams"],
    [BODY, "Rapport annuel, article 7", "Nombre de chantiers : 42"],
]


def _scanner_pdf() -> bytes:
    """Three pages photographed slightly turned, as a scanner's PDF (JPEG images, no text)."""
    pages = [
        scanned(drawn_page(lines), skew=1.5 + 0.5 * i, seed=i).convert("L")
        for i, lines in enumerate(SCAN_PAGES)
    ]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=300)
    return out.getvalue()


def test_an_answer_with_a_text_pdf_and_a_scan_is_published_with_nothing_recoverable(
    body,
    citizen,
    officer,
    clock,  # noqa: F811 - the fixture, imported
    tmp_path,
    django_capture_on_commit_callbacks,
):
    applicant = applicant_details(
        first_name="Karim",
        last_name="Alaoui",
        id_number="AB123456",
        email=citizen.email,
        phone="0661234567",
        address="12 rue des Orangers, Rabat",
    )
    req = request_services.submit_request(
        citizen, body=body, applicant=applicant, details=request_details()
    )
    text_pdf = html_pdf(
        tmp_path / "rapport.pdf",
        [],
        extra="".join(f'<p style="break-after: page">{page}</p>' for page in TEXT_PAGES),
    )
    req = request_services.answer(
        officer,
        req,
        outcome="granted",
        text="Veuillez trouver ci-joint le rapport et le courrier numérisé.",
        attachments=[
            SimpleUploadedFile("rapport.pdf", text_pdf.read_bytes()),
            SimpleUploadedFile("courrier.pdf", _scanner_pdf()),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        pub = services.propose_from_request(officer, req)
    pub.refresh_from_db()
    assert pub.state == PublicationState.IN_REVIEW, pub.preparation_error

    pages = list(
        DocumentPage.objects.filter(document__publication=pub).order_by(
            "document__position", "number"
        )
    )
    assert [p.source for p in pages] == ["text"] * 5 + ["ocr"] * 3
    assert all(p.redactions for p in pages[1:4]) and all(p.redactions for p in pages[5:7])
    assert pages[4].language in ("fr", "ar")

    pub = services.approve_and_publish(officer, pub)
    with pub.pdf.open("rb") as handle:
        data = handle.read()
    published = tmp_path / "published.pdf"
    published.write_bytes(data)

    def run(*command: str) -> str:
        return subprocess.run(command, capture_output=True, check=True).stdout.decode(
            "utf-8", "replace"
        )

    extracted = {
        "pdftotext": run("pdftotext", str(published), "-"),
        "pypdf": " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages),
        "qpdf --qdf": run("qpdf", "--qdf", "--object-streams=disable", str(published), "-"),
        "strings": run("strings", str(published)),
    }
    for tool, text in extracted.items():
        flat = " ".join(text.split())
        for label, value in PLANTED.items():
            assert value not in flat, f"{label} recovered by {tool}"
        assert "كريم العلوي" not in flat, f"the Arabic name recovered by {tool}"

    readable = " ".join(extracted["pdftotext"].split())
    assert "Ministère" in readable and "12 500 000 dirhams" in readable.replace("\u00a0", " ")
    assert "article 7" in readable and "3 480 000" in readable
    # And searchable: a word of the third scanned page finds it there.
    [hit] = [h for h in search.search("chantiers").hits if h.publication.pk == pub.pk]
    assert hit.page is not None and hit.page.pk == pages[7].pk
