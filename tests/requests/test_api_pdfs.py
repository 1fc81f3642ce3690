"""The receipt and the answer letter by id in the API, as PDF (issue #16).

The same people as on the request's page get them; anyone else a JSON 404, as if
the request did not exist. `Accept: application/pdf` is honoured, not a 406.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from ati.requests import services
from tests.factories import UserFactory

from .test_api import PAYLOAD

pytestmark = pytest.mark.django_db


def api(user=None, **headers):
    client = APIClient(**headers)
    if user is not None:
        client.force_authenticate(user)
    return client


def test_receipt_pdf_for_the_applicant_and_the_body(submit, citizen, officer, commissioner):
    req = submit()
    url = f"/api/v1/requests/{req.pk}/receipt.pdf/"
    for user in (citizen, officer):
        for accept in ("application/pdf", "*/*", None):
            headers = {"HTTP_ACCEPT": accept} if accept else {}
            response = api(user, **headers).get(url)
            assert response.status_code == 200, (user, accept, response.content[:200])
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")
            assert f"recepisse-{req.reference}.pdf" in response["Content-Disposition"]
    # The commission may open the request but not the applicant's identity, which the
    # receipt carries: as on the page, a 404. Another citizen: a 404 too, in JSON.
    for user in (commissioner, UserFactory()):
        response = api(user, HTTP_ACCEPT="application/pdf").get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "message" in response.json()
    assert api().get(url).status_code == 403


def test_answer_letter_pdf_only_once_answered(submit, officer, citizen, department):
    req = submit()
    url = f"/api/v1/requests/{req.pk}/answer_letter.pdf/"
    assert api(citizen).get(url).status_code == 404
    req = services.answer(officer, req, outcome="granted", text="Voici le budget.")
    assert req.outcome == "granted", req.state
    response = api(citizen, HTTP_ACCEPT="application/pdf").get(url)
    assert response.status_code == 200, response.content
    assert response.content.startswith(b"%PDF")
    assert f"reponse-{req.reference}.pdf" in response["Content-Disposition"]


def test_the_schema_announces_pdf_and_json_errors(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/requests/{id}/receipt.pdf/",
        "/api/v1/requests/{id}/answer_letter.pdf/",
        "/api/v1/appeals/{id}/decision.pdf/",
    ):
        responses = schema["paths"][path]["get"]["responses"]
        assert list(responses["200"]["content"]) == ["application/pdf"], path
        for code, response in responses.items():
            if code != "200":
                assert list(response["content"]) == ["application/json"], (path, code)


def test_an_attachment_downloads_whatever_type_the_client_accepts(body, citizen, clock):
    """The schema announces the file's own type: asking for it is not a 406."""
    good = SimpleUploadedFile(
        "lettre.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        content_type="application/pdf",
    )
    created = api(citizen).post(
        "/api/v1/requests/",
        {**PAYLOAD, "body": body.code, "attachments": [good]},
        format="multipart",
    )
    pk = created.json()["id"]
    attachment = api(citizen).get(f"/api/v1/requests/{pk}/attachments/").json()[0]["id"]
    url = f"/api/v1/requests/{pk}/attachments/{attachment}/download/"
    for accept in ("application/pdf", "application/*", "*/*", None):
        headers = {"HTTP_ACCEPT": accept} if accept else {}
        response = api(citizen, **headers).get(url)
        assert response.status_code == 200, accept
        assert response["Content-Type"] == "application/pdf"
    missing = api(citizen, HTTP_ACCEPT="image/png").get(f"{url[:-10]}9999/download/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
