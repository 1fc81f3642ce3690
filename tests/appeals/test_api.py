"""The complaint and appeal API: each role sees what it may; errors are JSON."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ati.accounts.models import Role
from ati.appeals.models import Appeal
from tests.factories import UserFactory, member

from .conftest import at

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_refusal_to_disclosure_order_through_the_api(
    refused, citizen, head, officer, commissioner, clock
):
    req = refused()
    created = api(citizen).post(
        "/api/v1/complaints/",
        {"request": req.reference, "ground": "refusal", "reasons": "Refus non fondé."},
        format="json",
    )
    assert created.status_code == 201, created.json()
    complaint = created.json()
    assert complaint["state"] == "filed" and complaint["decision_due"] == "2026-11-24"
    confirmed = api(head).post(
        f"/api/v1/complaints/{complaint['id']}/confirm/", {"text": "Confirmé."}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"

    appeal = (
        api(citizen)
        .post(
            "/api/v1/appeals/",
            {"request": req.reference, "reasons": "À la commission."},
            format="json",
        )
        .json()
    )
    assert appeal["complaint"] == complaint["id"] and appeal["admissibility_concerns"] == []
    url = f"/api/v1/appeals/{appeal['id']}"
    commission = api(commissioner)
    assert commission.post(f"{url}/declare_admissible/", {}, format="json").status_code == 200
    rapporteur = UserFactory(role=Role.COMMISSION_MEMBER)
    assigned = commission.post(
        f"{url}/assign_rapporteur/", {"rapporteur": rapporteur.pk}, format="json"
    )
    assert assigned.json()["rapporteur"] == rapporteur.pk
    asked = commission.post(f"{url}/request_observations/", {"note": "Pourquoi ?"}, format="json")
    assert asked.json()["state"] == "observations_requested"
    assert (
        api(officer)
        .post(f"{url}/submit_observations/", {"text": "Sécurité."}, format="json")
        .status_code
        == 200
    )
    assert (
        commission.post(
            f"{url}/record_hearing/", {"on": "2026-10-30", "minutes": "Entendus."}, format="json"
        ).status_code
        == 200
    )
    decided = commission.post(
        f"{url}/decide/",
        {"decision": "partial_disclosure_ordered", "reasons": "En partie."},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    data = decided.json()
    assert data["decision_number"] == "CDAI-2026-0001" and data["compliance_due"] == "2026-12-15"
    pdf = commission.get(f"{url}/decision.pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # Asked for as a PDF, it is one (this was a 406); a JSON error otherwise.
    pdf = commission.get(f"{url}/decision.pdf/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The applicant follows it too.
    assert [a["id"] for a in api(citizen).get("/api/v1/appeals/").json()["results"]] == [
        appeal["id"]
    ]


def test_no_decision_pdf_before_the_decision_a_json_404(refused, citizen, clock):
    req = refused()
    appeal = (
        api(citizen)
        .post("/api/v1/appeals/", {"request": req.reference, "reasons": "Appel."}, format="json")
        .json()
    )
    response = api(citizen).get(
        f"/api/v1/appeals/{appeal['id']}/decision.pdf/",
        HTTP_ACCEPT="application/pdf",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"message": "No decision yet."}


def test_an_impossible_transition_is_a_409_naming_the_state(refused, citizen, commissioner, clock):
    req = refused()
    appeal = (
        api(citizen)
        .post("/api/v1/appeals/", {"request": req.reference, "reasons": "Appel."}, format="json")
        .json()
    )
    assert appeal["admissibility_concerns"] == ["no_prior_complaint"]
    response = api(commissioner).post(
        f"/api/v1/appeals/{appeal['id']}/decide/",
        {"decision": "confirmed", "reasons": "—"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["state"] == "filed"
    assert "declare_admissible" in response.json()["allowed"]


def test_a_late_complaint_is_a_400_with_the_dates(refused, citizen, clock):
    req = refused()
    clock.move_to(at(dt.date(2026, 12, 2)))
    response = api(citizen).post(
        "/api/v1/complaints/",
        {"request": req.reference, "ground": "refusal", "reasons": "Tard."},
        format="json",
    )
    assert response.status_code == 400
    assert "1er décembre 2026" in response.json()["message"]


def test_others_get_404_and_a_citizen_cannot_decide(refused, citizen, other_body, clock):
    req = refused()
    complaint = (
        api(citizen)
        .post(
            "/api/v1/complaints/",
            {"request": req.reference, "ground": "refusal", "reasons": "Non."},
            format="json",
        )
        .json()
    )
    stranger = member(Role.OFFICER, other_body)
    assert api(stranger).get(f"/api/v1/complaints/{complaint['id']}/").status_code == 404
    assert (
        api(stranger)
        .post(f"/api/v1/complaints/{complaint['id']}/confirm/", {"text": "Oui."}, format="json")
        .status_code
        == 404
    )
    assert (
        api(UserFactory(role=Role.CITIZEN))
        .post(
            "/api/v1/complaints/",
            {"request": req.reference, "ground": "refusal", "reasons": "Moi."},
            format="json",
        )
        .status_code
        == 404
    )
    assert (
        api(citizen)
        .post(f"/api/v1/complaints/{complaint['id']}/overturn/", {"text": "Moi."}, format="json")
        .status_code
        == 403
    )
    assert not Appeal.objects.exists()
