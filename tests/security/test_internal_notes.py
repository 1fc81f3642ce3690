"""An internal note of the body is hidden whole: its text and its files (issue 17, finding 3).

Only those who handle the request (officers, department staff, the head of the body)
see it; the applicant, the commission and administrators, who may open the request,
see neither the note nor its files, in the page, the API or a download.
"""

from __future__ import annotations

import io

import pytest
from rest_framework.test import APIClient

from ati.requests import services
from tests.requests.conftest import applicant_details, clock, request_details  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def noted(request, body, citizen, officer, settings, tmp_path):
    request.getfixturevalue("clock")
    settings.MEDIA_ROOT = tmp_path / "media"
    req = services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(email=citizen.email),
        details=request_details(),
    )
    note = services.post_message(
        officer,
        req,
        text="Note interne",
        internal=True,
        attachments=[services.Upload(io.BytesIO(PDF), "avis-juridique.pdf", len(PDF))],
    )
    return req, note.attachments.get()


@pytest.mark.parametrize("role", ["citizen", "commissioner", "administrator"])
def test_internal_note_files_are_hidden_from_whoever_may_not_read_the_note(request, noted, role):
    req, attachment = noted
    user = request.getfixturevalue(role)
    client = APIClient()
    client.force_authenticate(user)
    listed = client.get(f"/api/v1/requests/{req.pk}/attachments/")
    assert listed.status_code == 200 and listed.json() == []
    messages = client.get(f"/api/v1/requests/{req.pk}/messages/").json()
    assert all(m["direction"] != "internal" for m in messages)
    download = f"/api/v1/requests/{req.pk}/attachments/{attachment.pk}/download/"
    assert client.get(download).status_code == 404

    client.force_login(user)
    page = client.get(f"/requests/{req.reference}/")
    assert page.status_code == 200
    assert "avis-juridique" not in page.content.decode()
    assert "Note interne" not in page.content.decode()
    assert client.get(f"/requests/{req.reference}/files/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["officer", "head", "staff"])
def test_those_who_handle_the_request_see_the_note_and_its_files(request, noted, role):
    req, attachment = noted
    user = request.getfixturevalue(role)
    if role == "staff":
        officer, department = (request.getfixturevalue(f) for f in ("officer", "department"))
        services.assign(officer, req, department=department)
    client = APIClient()
    client.force_authenticate(user)
    listed = client.get(f"/api/v1/requests/{req.pk}/attachments/").json()
    assert [a["original_name"] for a in listed] == ["avis-juridique.pdf"]
    download = f"/api/v1/requests/{req.pk}/attachments/{attachment.pk}/download/"
    assert client.get(download).status_code == 200
