"""Bounds on what one account can store (issue 17, finding 5).

A message took any number of files, messages had no rate limit, and withdrawn or
closed requests still took messages (with files). Now: at most
ATI_MAX_FILES_PER_MESSAGE files at once, ATI_MAX_FILES_PER_REQUEST files and
ATI_MAX_BYTES_PER_REQUEST bytes on a request (the answer's documents bounded on their
own), the "message" rate limit, and no message on a withdrawn or closed request.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from ati.core.errors import TransitionConflict
from ati.requests import services
from ati.requests.models import Attachment, Message
from tests.requests.conftest import applicant_details, clock, request_details  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def pdfs(n: int, size: int = 0) -> list[services.Upload]:
    content = PDF + b"\n%" + b"0" * size
    return [services.Upload(io.BytesIO(content), f"piece-{i}.pdf", len(content)) for i in range(n)]


def files(n: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"piece-{i}.pdf", PDF, "application/pdf") for i in range(n)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def req(request, body, citizen, media):
    request.getfixturevalue("clock")
    return services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(email=citizen.email),
        details=request_details(),
    )


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_one_message_takes_at_most_ten_files(req, citizen, officer, english, settings):
    assert settings.ATI_MAX_FILES_PER_MESSAGE == 10
    with pytest.raises(ValidationError) as refused:
        services.post_message(citizen, req, text="Voici.", attachments=pdfs(11))
    assert "At most 10 files" in refused.value.message_dict["attachments"][0]
    response = api(officer).post(
        f"/api/v1/requests/{req.pk}/messages/",
        {"text": "Voici.", "attachments": files(11)},
        format="multipart",
    )
    assert response.status_code == 400, response.json()
    assert "At most 10 files" in response.json()["fields"]["attachments"][0]
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(citizen)
    response = page.post(
        f"/requests/{req.reference}/messages/", {"text": "Voici.", "attachments": files(11)}
    )
    assert response.status_code == 400 and "At most 10 files" in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()
    services.post_message(citizen, req, text="Voici.", attachments=pdfs(10))
    assert Attachment.objects.count() == 10


def test_a_submission_takes_at_most_ten_files(body, citizen, media, english, request):
    request.getfixturevalue("clock")
    with pytest.raises(ValidationError) as refused:
        services.submit_request(
            citizen,
            body=body,
            applicant=applicant_details(email=citizen.email),
            details=request_details(attachments=pdfs(11)),
        )
    assert "At most 10 files" in refused.value.message_dict["attachments"][0]


def test_a_request_holds_at_most_its_number_of_files(req, citizen, officer, english, settings):
    settings.ATI_MAX_FILES_PER_REQUEST = 4
    services.post_message(citizen, req, text="Un.", attachments=pdfs(2))
    services.post_message(officer, req, text="Deux.", attachments=pdfs(2), internal=True)
    with pytest.raises(ValidationError) as refused:
        services.post_message(citizen, req, text="Trois.", attachments=pdfs(1))
    assert "at most 4 files; it holds 4 already" in refused.value.message_dict["attachments"][0]
    response = api(citizen).post(
        f"/api/v1/requests/{req.pk}/messages/",
        {"text": "Trois.", "attachments": files(1)},
        format="multipart",
    )
    assert response.status_code == 400 and "attachments" in response.json()["fields"]
    assert Attachment.objects.count() == 4 and Message.objects.count() == 2
    services.post_message(citizen, req, text="Sans pièce.")  # a message without files still goes


def test_a_request_holds_at_most_its_bytes(req, citizen, english, settings, media):
    settings.ATI_MAX_BYTES_PER_REQUEST = 3000
    services.post_message(citizen, req, text="Un.", attachments=pdfs(1, size=2000))
    with pytest.raises(ValidationError) as refused:
        services.post_message(citizen, req, text="Deux.", attachments=pdfs(1, size=1000))
    assert "may total at most" in refused.value.message_dict["attachments"][0]
    assert Attachment.objects.count() == 1
    assert len([p for p in media.rglob("*") if p.is_file()]) == 1


def test_the_applicants_files_never_stop_the_answer_with_documents(req, citizen, officer, settings):
    settings.ATI_MAX_FILES_PER_REQUEST = 2
    services.post_message(citizen, req, text="Un.", attachments=pdfs(2))
    answered = services.answer(
        officer, req, outcome="granted", text="Voici les documents.", attachments=pdfs(2)
    )
    assert answered.attachments.filter(kind="answer").count() == 2


def test_messages_are_rate_limited_per_account(req, citizen, officer, settings):
    settings.ATI_RATE_LIMITS = {**settings.ATI_RATE_LIMITS, "message": (2, 3600)}
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(citizen)
    url = f"/requests/{req.reference}/messages/"
    assert [page.post(url, {"text": "Bonjour"}).status_code for _ in range(3)] == [302, 302, 429]
    client = api(officer)
    url = f"/api/v1/requests/{req.pk}/messages/"
    codes = [client.post(url, {"text": "Bonjour"}, format="json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert Message.objects.count() == 4


@pytest.mark.parametrize("end", ["withdrawn", "closed"])
def test_no_message_on_a_withdrawn_or_closed_request(req, citizen, officer, english, end):
    if end == "withdrawn":
        services.withdraw(citizen, req, reason="Plus besoin.")
        words = "This request was withdrawn"
    else:
        services.answer(officer, req, outcome="granted", text="Voici.")
        services.post_message(citizen, req, text="Merci, une question.")  # answered: still open
        services.close(officer, req)
        words = "This request is closed"
    before = Message.objects.count()
    for author in (citizen, officer):
        with pytest.raises(TransitionConflict) as refused:
            services.post_message(author, req, text="Encore.", attachments=pdfs(1))
        assert words in refused.value.message
        response = api(author).post(
            f"/api/v1/requests/{req.pk}/messages/", {"text": "Encore."}, format="json"
        )
        assert response.status_code == 409 and words in response.json()["message"]
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(citizen)
    shown = page.get(f"/requests/{req.reference}/").content.decode()
    assert words in shown and f"/requests/{req.reference}/messages/" not in shown
    response = page.post(f"/requests/{req.reference}/messages/", {"text": "Encore."})
    assert response.status_code == 409 and words in response.content.decode()
    assert Message.objects.count() == before and Attachment.objects.count() == 0
