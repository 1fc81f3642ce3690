"""The request API: each role sees what it may; errors are JSON with a message."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from ati.accounts.models import Role
from ati.requests.models import InformationRequest, State
from tests.factories import UserFactory, api_key, member

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "subject": "Marchés publics 2025",
    "information_requested": "La liste des marchés attribués.",
    "first_name": "Amina",
    "last_name": "Ouazzani",
    "address": "12 rue Oued Fès, Rabat",
    "id_number": "AB123456",
}


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_citizen_submits_and_follows_a_request_through_the_api(
    body, citizen, officer, department, clock
):
    created = api(citizen).post("/api/v1/requests/", {**PAYLOAD, "body": body.code}, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["reference"] == "DAI-2026-00001" and data["response_due"] == "2026-12-01"
    assert data["applicant_id_number"] == "AB123456" and data["is_overdue"] is False
    pk = data["id"]

    officer_api = api(officer)
    assert (
        officer_api.post(
            f"/api/v1/requests/{pk}/assign/", {"department": department.pk}, format="json"
        ).status_code
        == 200
    )
    answered = officer_api.post(
        f"/api/v1/requests/{pk}/answer/",
        {
            "outcome": "partially_granted",
            "text": "Voici la liste.",
            "grounds": ["fair-competition"],
            "withheld": "Les offres des candidats non retenus.",
        },
        format="json",
    )
    assert answered.status_code == 200, answered.json()
    assert answered.json()["state"] == State.ANSWERED
    assert answered.json()["refusal_grounds"] == ["fair-competition"]

    listed = api(citizen).get("/api/v1/requests/").json()
    assert [r["reference"] for r in listed["results"]] == ["DAI-2026-00001"]


def test_submitting_with_an_attachment_checks_its_content(body, citizen, clock):
    good = SimpleUploadedFile(
        "lettre.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        content_type="application/pdf",
    )
    response = api(citizen).post(
        "/api/v1/requests/",
        {**PAYLOAD, "body": body.code, "attachments": [good]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    files = api(citizen).get(f"/api/v1/requests/{pk}/attachments/").json()
    assert (
        files[0]["original_name"] == "lettre.pdf" and files[0]["content_type"] == "application/pdf"
    )

    disguised = SimpleUploadedFile(
        "photo.pdf", b"MZ\x90\x00\x03\x00\x00\x00" * 20, content_type="application/pdf"
    )
    refused = api(citizen).post(
        "/api/v1/requests/",
        {**PAYLOAD, "body": body.code, "attachments": [disguised]},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "attachments" in refused.json()["fields"]
    assert InformationRequest.objects.count() == 1


def test_refusing_without_a_ground_is_a_400_with_a_field_map(body, citizen, officer, clock):
    pk = (
        api(citizen)
        .post("/api/v1/requests/", {**PAYLOAD, "body": body.code}, format="json")
        .json()["id"]
    )
    response = api(officer).post(
        f"/api/v1/requests/{pk}/answer/", {"outcome": "refused", "text": "Non."}, format="json"
    )
    assert response.status_code == 400
    body_json = response.json()
    assert body_json["message"] == body_json["fields"]["grounds"][0]


def test_an_impossible_transition_is_a_409_naming_the_state(body, citizen, officer, clock):
    pk = (
        api(citizen)
        .post("/api/v1/requests/", {**PAYLOAD, "body": body.code}, format="json")
        .json()["id"]
    )
    response = api(officer).post(f"/api/v1/requests/{pk}/close/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["state"] == "submitted"
    assert "answer" in response.json()["allowed"]


def test_other_people_get_404_and_never_the_identity(body, other_body, citizen, officer, clock):
    pk = (
        api(citizen)
        .post("/api/v1/requests/", {**PAYLOAD, "body": body.code}, format="json")
        .json()["id"]
    )
    another_citizen = UserFactory(role=Role.CITIZEN)
    foreign_officer = member(Role.OFFICER, other_body)
    for user in (another_citizen, foreign_officer):
        assert api(user).get(f"/api/v1/requests/{pk}/").status_code == 404
        assert (
            api(user).post(f"/api/v1/requests/{pk}/withdraw/", {}, format="json").status_code == 404
        )
    assert api().get(f"/api/v1/requests/{pk}/").status_code in (401, 403)
    commissioner = UserFactory(role=Role.COMMISSION_MEMBER)
    seen = api(commissioner).get(f"/api/v1/requests/{pk}/").json()
    assert seen["reference"] == "DAI-2026-00001" and seen["applicant_id_number"] is None


def test_citizen_may_not_act_for_the_body(body, citizen, department, clock):
    pk = (
        api(citizen)
        .post("/api/v1/requests/", {**PAYLOAD, "body": body.code}, format="json")
        .json()["id"]
    )
    response = api(citizen).post(
        f"/api/v1/requests/{pk}/assign/", {"department": department.pk}, format="json"
    )
    assert response.status_code == 403 and response.json()["message"]


def test_token_authentication_for_integrations(body, officer, clock):
    key = api_key(officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        "/api/v1/requests/",
        {
            **PAYLOAD,
            "body": body.code,
            "channel": "email",
            "email": "amina@example.org",
            "received_on": "2026-10-29",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["channel"] == "email" and response.json()["response_due"] == "2026-11-30"


def test_queue_filters_and_overdue_flag(body, citizen, officer, clock):
    import datetime as dt

    for _ in range(3):
        api(citizen).post("/api/v1/requests/", {**PAYLOAD, "body": body.code}, format="json")
    clock.move_to(dt.datetime(2026, 12, 2, 9, 0))
    rows = api(officer).get("/api/v1/requests/?overdue=1").json()["results"]
    assert len(rows) == 3 and all(r["is_overdue"] for r in rows)
    assert api(officer).get("/api/v1/requests/?state=answered").json()["count"] == 0


def test_messages_go_both_ways_and_internal_notes_stay_inside(body, citizen, officer, clock):
    pk = (
        api(citizen)
        .post("/api/v1/requests/", {**PAYLOAD, "body": body.code}, format="json")
        .json()["id"]
    )
    assert (
        api(officer)
        .post(
            f"/api/v1/requests/{pk}/messages/",
            {"text": "Note interne", "internal": True},
            format="json",
        )
        .status_code
        == 201
    )
    assert (
        api(officer)
        .post(f"/api/v1/requests/{pk}/messages/", {"text": "Bonjour"}, format="json")
        .status_code
        == 201
    )
    assert (
        api(citizen)
        .post(f"/api/v1/requests/{pk}/messages/", {"text": "Merci"}, format="json")
        .status_code
        == 201
    )
    seen = [m["text"] for m in api(citizen).get(f"/api/v1/requests/{pk}/messages/").json()]
    assert seen == ["Bonjour", "Merci"]
    assert len(api(officer).get(f"/api/v1/requests/{pk}/messages/").json()) == 3
