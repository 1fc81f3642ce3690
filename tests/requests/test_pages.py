"""The pages of the journey, for the applicant and for the body."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from ati.accounts.models import Role
from ati.requests import letters, services
from ati.requests.models import InformationRequest, State
from tests.factories import UserFactory, member

from .conftest import applicant_details, request_details

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


FORM = {
    "subject": "Permis de construire",
    "information_requested": "Les permis délivrés en 2025.",
    "delivery_form": "electronic",
    "first_name": "Amina",
    "last_name": "Ouazzani",
    "address": "12 rue Oued Fès, Rabat",
    "id_kind": "cin",
    "id_number": "AB123456",
}


def test_citizen_submits_from_the_form_and_sees_the_request(client, body, citizen, clock):
    client.force_login(citizen)
    page = client.get("/requests/new/")
    assert page.status_code == 200 and "CIN" in page.content.decode()
    response = client.post("/requests/new/", {**FORM, "body": body.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    req = InformationRequest.objects.get()
    assert response["Location"] == f"/requests/{req.reference}/"
    html = client.get(response["Location"]).content.decode()
    assert req.reference in html and "AB123456" in html
    assert "Permis de construire" in client.get("/requests/mine/").content.decode()


def test_the_form_says_what_is_wrong(client, body, citizen, clock):
    client.force_login(citizen)
    response = client.post(
        "/requests/new/", {**FORM, "body": body.pk, "id_number": "???", "urgent": "on"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert not InformationRequest.objects.exists()


def test_receipt_pdf_has_the_reference_and_due_date_in_french(client, body, citizen, clock):
    req = services.submit_request(
        citizen,
        body=body,
        details=request_details(),
        applicant=applicant_details(email=citizen.email),
    )
    client.force_login(citizen)
    response = client.get(f"/requests/{req.reference}/receipt.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert req.reference in text
    assert "1er décembre 2026" in text and "01/12/2026" not in text  # one date, once


def test_receipt_pdf_in_arabic_is_right_to_left_with_the_reference_and_due_date(
    body, citizen, clock
):
    req = services.submit_request(
        citizen,
        body=body,
        details=request_details(),
        applicant=applicant_details(email=citizen.email, language="ar"),
    )
    text = pdf_text(letters.receipt_pdf(req))
    assert req.reference in text and "01/12/2026" not in text
    assert "دجنبر" in text and "ديسمبر" not in text  # December, as written in Morocco
    # How the date was counted is explained in the letter's language too, not in French.
    assert "ouvrables" not in text and "يوم عمل" in text


def test_answer_letter_names_the_grounds_in_the_applicants_language(body, citizen, officer, clock):
    req = services.submit_request(
        citizen,
        body=body,
        details=request_details(),
        applicant=applicant_details(email=citizen.email),
    )
    services.answer(
        officer, req, outcome="refused", text="Refus motivé.", grounds=["national-defence"]
    )
    req.refresh_from_db()
    text = pdf_text(letters.answer_pdf(req))
    assert req.reference in text and "Refus motivé." in text
    assert req.refusal_grounds.get().label_fr.split()[0] in text


def test_officer_queue_lists_the_bodys_requests_soonest_first(
    client, body, citizen, officer, clock
):
    first = services.submit_request(
        citizen,
        body=body,
        details=request_details(),
        applicant=applicant_details(email=citizen.email),
    )
    urgent = services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(email=citizen.email),
        details=request_details(urgent=True, urgency_reason="Santé."),
    )
    client.force_login(officer)
    html = client.get("/office/").content.decode()
    assert html.index(urgent.reference) < html.index(first.reference)
    filtered = client.get("/office/?urgent=on").content.decode()
    assert urgent.reference in filtered and first.reference not in filtered
    clock.move_to(dt.datetime(2026, 11, 5, 9, 0))
    client.force_login(
        officer
    )  # days later: a staff session lasts hours (ATI_STAFF_SESSION_SECONDS)
    overdue = client.get("/office/?overdue=on").content.decode()
    assert urgent.reference in overdue and first.reference not in overdue


def test_officer_acts_from_the_request_page(client, body, citizen, officer, department, clock):
    req = services.submit_request(
        citizen,
        body=body,
        details=request_details(),
        applicant=applicant_details(email=citizen.email),
    )
    client.force_login(officer)
    page = client.get(f"/requests/{req.reference}/").content.decode()
    assert "Assign" in page or "Affecter" in page or "assign" in page
    response = client.post(f"/requests/{req.reference}/do/assign/", {"department": department.pk})
    assert response.status_code == 302
    refused = client.post(
        f"/requests/{req.reference}/do/answer/", {"outcome": "refused", "text": "Non."}
    )
    assert refused.status_code == 400
    req.refresh_from_db()
    assert req.state == State.ASSIGNED
    conflict = client.post(f"/requests/{req.reference}/do/close/", {})
    assert conflict.status_code == 409


def test_bulk_assignment_from_the_queue(client, body, citizen, officer, department, clock):
    refs = [
        services.submit_request(
            citizen,
            body=body,
            details=request_details(),
            applicant=applicant_details(email=citizen.email),
        ).reference
        for _ in range(2)
    ]
    client.force_login(officer)
    response = client.post("/office/assign/", {"selected": refs, "department": department.pk})
    assert response.status_code == 302
    assert set(InformationRequest.objects.values_list("state", flat=True)) == {State.ASSIGNED}


def test_other_citizens_and_other_bodies_get_404(client, body, other_body, citizen, clock):
    req = services.submit_request(
        citizen,
        body=body,
        details=request_details(),
        applicant=applicant_details(email=citizen.email),
    )
    for user in (UserFactory(role=Role.CITIZEN), member(Role.OFFICER, other_body)):
        client.force_login(user)
        assert client.get(f"/requests/{req.reference}/").status_code == 404
        assert client.get(f"/requests/{req.reference}/receipt.pdf").status_code == 404


def test_officer_records_a_paper_request(client, body, officer, clock):
    client.force_login(officer)
    response = client.post(
        "/office/record/",
        {
            **FORM,
            "body": body.pk,
            "email": "lettre@example.org",
            "language": "ar",
            "channel": "post",
            "received_on": "2026-10-29",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    req = InformationRequest.objects.get()
    assert req.channel == "post" and req.language == "ar" and req.recorded_by == officer


@pytest.mark.parametrize(
    ("n", "expected"), [(1, "<strong>1</strong> urgente"), (2, "<strong>2</strong> urgentes")]
)
def test_the_queues_counts_agree_with_their_number_and_zero_late_is_not_an_alarm(n, expected):
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    counts = dict.fromkeys(
        ("submitted", "assigned", "draft_ready", "awaiting_clarification", "overdue", "due_soon"),
        0,
    )
    request = RequestFactory().get("/office/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override("fr"):
        html = render_to_string(
            "requests/queue.html", {"counts": {**counts, "urgent": n}}, request=request
        )
    assert expected in html
    assert 'class="overdue"' not in html.split("</ul>")[0]
