"""Hostile uploads: each refused with a clear message, nothing written; odd names made safe."""

from __future__ import annotations

import io
import unicodedata
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from ati.accounts.models import Role
from ati.requests import services
from ati.requests.models import Attachment, InformationRequest
from ati.requests.uploads import MAX_UNZIPPED_BYTES, MAX_UPLOAD_BYTES
from tests.factories import member
from tests.requests.conftest import applicant_details, request_details

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def zip_bomb() -> bytes:
    """A .docx-looking archive whose entries declare more than 100 MB uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (MAX_UNZIPPED_BYTES + 1024))
    return buffer.getvalue()


def pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\ntrailer<<>>\n%%EOF"


def compressed_stream(payload: bytes) -> bytes:
    data = zlib.compress(payload)
    return b"<</Type/ObjStm/Filter/FlateDecode>>stream\n" + data + b"\nendstream"


EMBEDDED = pdf_with(b"<</Type/EmbeddedFile>>stream\nx\nendstream")
ESCAPED = pdf_with(b"<</S/Java#53cript/J#53(x)>>")
IN_OBJECT_STREAM = pdf_with(compressed_stream(b"<</S/Launch>>"))
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"\x90" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 16

#: (case, claimed name, content, claimed size or None for the real one, words of the message)
HOSTILE = [
    ("oversized", "scan.pdf", PDF + b"\n" + b"0" * MAX_UPLOAD_BYTES, None, "too large"),
    ("oversized, size understated", "scan.pdf", PDF + b"0" * MAX_UPLOAD_BYTES, 1000, "too large"),
    ("empty", "vide.pdf", b"", None, "empty"),
    ("ELF named .pdf", "lettre.pdf", ELF, None, "not an accepted kind"),
    ("MZ named .pdf", "lettre.pdf", MZ, None, "not an accepted kind"),
    ("HTML named .png", "photo.png", b"<html><script>alert(1)</script></html>", None, "not an"),
    ("HTML named .txt", "note.txt", b"<!DOCTYPE html><p>hi</p>", None, "not an accepted kind"),
    ("SVG with script", "logo.txt", b'<svg onload="alert(1)"></svg>', None, "not an accepted"),
    ("text named .pdf", "lettre.pdf", b"just some text, no PDF", None, "not an accepted kind"),
    ("zip bomb named .docx", "rapport.docx", zip_bomb(), None, "unreasonable size"),
    ("PDF /JavaScript", "a.pdf", pdf_with(b"<</S/JavaScript/JS(app.alert(1))>>"), None, "scripts"),
    ("PDF /Launch", "a.pdf", pdf_with(b"<</S/Launch/F(cmd.exe)>>"), None, "scripts"),
    ("PDF /EmbeddedFile", "a.pdf", EMBEDDED, None, "embedded"),
    ("PDF name escaped", "a.pdf", ESCAPED, None, "scripts"),
    ("PDF in object stream", "a.pdf", IN_OBJECT_STREAM, None, "scripts"),
    # Issue 17, finding 6: a name's extension is what the officer's computer acts on.
    ("script named .js", "outil.js", b"alert(document.cookie)\n", None, "ending in .js"),
    ("batch file", "lancer.bat", b"@echo off\r\ndel /q *.*\r\n", None, "ending in .bat"),
    ("HTML, markup later", "page.html", b"Bonjour\n<b onclick=x()>y</b>", None, "ending in .html"),
    ("SVG, markup later", "logo.svg", b"Logo\n<svg onload='alert(1)'/>", None, "ending in .svg"),
    ("PDF named .exe behind U+202E", "facture\u202efdp.exe", PDF, None, "ending in .exe"),
]  # fmt: skip


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def submit_with(citizen, body, upload):
    return services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(email=citizen.email),
        details=request_details(attachments=[upload]),
    )


@pytest.mark.parametrize(
    ("name", "content", "size", "words"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_hostile_upload_is_refused_and_nothing_is_written(
    body, citizen, clock, media, english, name, content, size, words
):
    upload = services.Upload(io.BytesIO(content), name, len(content) if size is None else size)
    with pytest.raises(ValidationError) as refused:
        submit_with(citizen, body, upload)
    messages = refused.value.message_dict["attachments"]
    assert len(messages) == 1 and words in messages[0], messages
    assert not InformationRequest.objects.exists() and not Attachment.objects.exists()
    assert files_under(media) == []


ODD_NAMES = [
    ("traversal", "../../etc/passwd"),
    ("windows traversal", "..\\..\\boot.ini.pdf"),
    ("absolute", "/etc/passwd"),
    ("windows absolute", "C:\\Windows\\System32\\lettre.pdf"),
    ("UNC", "\\\\server\\share\\lettre.pdf"),
    ("right-to-left override", "facture\u202efdp.pdf"),
    ("zero-width", "le\u200btt\u200dre\ufeff.pdf"),
    ("control characters", "lettre\x00\r\nSet-Cookie: a=b\x1b[31m.pdf"),
    ("line separators", "lettre\u2028\u2029.pdf"),
    ("very long", "a" * 5000 + ".pdf"),
    ("very long extension", "lettre." + "x" * 400),
    ("only dots", "...."),
    ("bidi isolates", "\u2067\u0645\u0644\u0641\u2069.pdf"),
]


@pytest.mark.parametrize("name", [n for _, n in ODD_NAMES], ids=[i for i, _ in ODD_NAMES])
def test_odd_names_are_sanitised_and_files_stored_under_a_random_token(
    body, citizen, clock, media, name
):
    req = submit_with(citizen, body, services.Upload(io.BytesIO(PDF), name, len(PDF)))
    stored = Attachment.objects.get(request=req)
    safe = stored.original_name
    assert safe and len(safe) <= 130
    assert "/" not in safe and "\\" not in safe and ".." not in safe
    assert not any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in safe), safe
    assert not safe.startswith((".", " "))
    assert stored.file.name == f"requests/{req.pk}/{stored.token}"
    assert len(stored.token) >= 32 and stored.token not in name
    [written] = files_under(media)
    assert written.resolve().is_relative_to(media.resolve()) and written.name == stored.token
    assert written.read_bytes() == PDF
    assert safe.endswith(".pdf")  # the extension of its content, whatever the name had


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("photo.jpg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "photo.png"),
        ("scan.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "scan.JPEG"),
        ("notes", b"Quelques notes.\n", "notes.txt"),
        ("tableau.csv", b"a;b\n1;2\n", "tableau.csv"),
        ("lettre.txt", PDF, "lettre.pdf"),
        ("Compte rendu 12.03", PDF, "Compte rendu 12.03.pdf"),
    ],
)
def test_a_file_is_stored_and_offered_under_the_extension_of_its_content(
    body, citizen, clock, media, name, content, stored
):
    """Issue 17, finding 6: the name offered to officers matches the type sniffed."""
    req = submit_with(citizen, body, services.Upload(io.BytesIO(content), name, len(content)))
    attachment = Attachment.objects.get(request=req)
    assert attachment.original_name == stored
    officer = member(Role.OFFICER, body)
    client = Client()
    client.force_login(officer)
    response = client.get(f"/requests/{req.reference}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert stored in response["Content-Disposition"]


def test_a_file_stored_before_under_a_dangerous_name_is_offered_under_a_safe_one(
    body, citizen, clock, media
):
    req = submit_with(citizen, body, services.Upload(io.BytesIO(b"x\n"), "a.txt", 2))
    Attachment.objects.filter(request=req).update(original_name="outil.js")
    officer = member(Role.OFFICER, body)
    client = Client()
    client.force_login(officer)
    attachment = Attachment.objects.get(request=req)
    response = client.get(f"/requests/{req.reference}/files/{attachment.pk}/")
    assert 'filename="outil.txt"' in response["Content-Disposition"]


def test_hostile_upload_through_the_api_is_a_400_with_a_field_message(body, citizen, clock, media):
    client = APIClient()
    client.force_authenticate(citizen)
    payload = {
        "body": body.code,
        "subject": "Marchés publics 2025",
        "information_requested": "La liste des marchés attribués.",
        "first_name": "Amina",
        "last_name": "Ouazzani",
        "address": "12 rue Oued Fès, Rabat",
        "id_number": "AB123456",
    }
    for name, content in [("../../photo.png", b"<html><script>alert(1)</script>"), ("a.pdf", MZ)]:
        refused = client.post(
            "/api/v1/requests/",
            {**payload, "attachments": [SimpleUploadedFile(name, content)]},
            format="multipart",
        )
        assert refused.status_code == 400, refused.content
        assert refused.json()["fields"]["attachments"], refused.json()
        assert "<script" not in refused.content.decode()
    assert not InformationRequest.objects.exists() and files_under(media) == []
