"""Scripts typed into any text field come back as text: escaped in pages, literal in letters."""

from __future__ import annotations

import io
import re

import pytest
from django.utils.html import escape
from pypdf import PdfReader
from rest_framework.test import APIClient

from ati.requests import letters, services
from ati.requests.models import InformationRequest
from tests.requests.conftest import applicant_details, request_details

pytestmark = pytest.mark.django_db

ATTACK = (
    '<script>alert(1)</script>"><img src=x onerror=alert(1)><a href="javascript:alert(1)">j</a>'
)
UNSAFE = [
    re.compile(r"<script>alert\(1\)", re.I),
    re.compile(r"<[a-z][^>]*\sonerror\s*=", re.I),  # an element carrying the handler
    re.compile(r"""href\s*=\s*["']?\s*javascript:""", re.I),
]


def hostile(field: str) -> str:
    return f"{ATTACK} {field}"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_safe(html: str, shown: list[str]) -> None:
    for pattern in UNSAFE:
        assert not pattern.search(html), pattern.pattern
    for field in shown:
        assert escape(hostile(field)) in html, f"{field} not shown escaped"


@pytest.fixture
def attacked(body, citizen, officer, department, clock):
    """A request whose every free text, from both sides, is an attack."""
    req = services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(
            email=citizen.email,
            first_name=hostile("first")[:100],
            last_name=hostile("last")[:100],
            address=hostile("address"),
        ),
        details=request_details(
            subject=hostile("subject"),
            information_requested=hostile("information"),
            urgent=True,
            urgency_reason=hostile("urgency"),
        ),
    )
    services.assign(officer, req, department=department)
    services.request_clarification(officer, req, question=hostile("question"))
    services.provide_clarification(citizen, req, answer=hostile("clarification"))
    services.extend(officer, req, reason=hostile("extension"))
    services.post_message(citizen, req, text=hostile("from-applicant"))
    services.post_message(officer, req, text=hostile("to-applicant"))
    services.post_message(officer, req, text=hostile("internal"), internal=True)
    services.answer(
        officer,
        req,
        outcome="partially_granted",
        text=hostile("answer"),
        grounds=["fair-competition"],
        withheld=hostile("withheld"),
    )
    req.refresh_from_db()
    return req


FOR_BOTH = [
    "first",
    "last",
    "address",
    "subject",
    "information",
    "urgency",
    "question",
    "clarification",
    "extension",
    "from-applicant",
    "to-applicant",
    "answer",
    "withheld",
]


def test_request_page_escapes_every_field_for_the_officer_and_the_applicant(
    client, attacked, citizen, officer
):
    for user, shown in [(officer, [*FOR_BOTH, "internal"]), (citizen, FOR_BOTH)]:
        client.force_login(user)
        response = client.get(f"/requests/{attacked.reference}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert_safe(html, shown)
        if user == citizen:
            assert escape(hostile("internal")) not in html
    for page in ["/requests/mine/"]:
        client.force_login(citizen)
        assert_safe(client.get(page).content.decode(), ["subject"])
    client.force_login(officer)
    assert_safe(client.get("/office/").content.decode(), [])


def test_answer_letter_shows_the_attack_as_literal_text(client, attacked, citizen):
    def squeezed(text: str) -> str:
        return "".join(text.split())

    text = squeezed(pdf_text(letters.answer_pdf(attacked)))
    for field in ["answer", "withheld"]:
        assert squeezed(hostile(field)) in text, field
    client.force_login(citizen)
    served = client.get(f"/requests/{attacked.reference}/answer.pdf")
    assert served.status_code == 200 and squeezed(ATTACK) in squeezed(pdf_text(served.content))


def test_api_returns_the_text_as_data_never_as_markup(attacked, officer):
    client = APIClient()
    client.force_authenticate(officer)
    response = client.get(f"/api/v1/requests/{attacked.pk}/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response.json()["subject"] == hostile("subject")


FORM = {
    "subject": "Permis de construire",
    "delivery_form": "electronic",
    "first_name": "Amina",
    "last_name": "Ouazzani",
    "address": "12 rue Oued Fès, Rabat",
    "id_kind": "cin",
    "id_number": "AB123456",
}


def test_information_requested_holds_ten_thousand_characters_and_no_more(
    client, body, citizen, clock
):
    client.force_login(citizen)
    longest = "é" * 9_990 + "\u0627\u0644\u0645\u0639\u0644\u0648\u0645\u0627\u062a\u202e"
    assert len(longest) == 10_000
    accepted = client.post(
        "/requests/new/", {**FORM, "body": body.pk, "information_requested": longest}
    )
    assert accepted.status_code == 302, accepted.content.decode()[:1000]
    assert InformationRequest.objects.get().information_requested == longest

    refused = client.post(
        "/requests/new/", {**FORM, "body": body.pk, "information_requested": longest + "x"}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'aria-invalid="true"' in html and "10000" in html.replace("\u202f", "").replace(
        "\xa0", ""
    ).replace(",", "").replace(" ", "")
    api = APIClient()
    api.force_authenticate(citizen)
    by_api = api.post(
        "/api/v1/requests/",
        {
            **{k: v for k, v in FORM.items() if k not in ("id_kind",)},
            "body": body.code,
            "information_requested": longest + "x",
        },
        format="json",
    )
    assert by_api.status_code == 400 and "information_requested" in by_api.json()["fields"]
    assert InformationRequest.objects.count() == 1


def test_bidi_and_invisible_characters_in_names_stay_isolated_and_out_of_file_names(
    client, body, citizen, officer, clock, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    first, last = "\u202eanimA", "Ou\u200bazz\u2066ani"
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    req = services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(email=citizen.email, first_name=first, last_name=last),
        details=request_details(
            attachments=[services.Upload(io.BytesIO(pdf), f"{first}{last}.pdf", len(pdf))]
        ),
    )
    services.answer(officer, req, outcome="granted", text="Voici.")
    client.force_login(officer)
    html = client.get(f"/requests/{req.reference}/").content.decode()
    assert f"<bdi>{escape(req.applicant_name)}</bdi>" in html
    assert "\u202e" in req.applicant_name  # kept as typed, but isolated when shown
    stored = req.attachments.get()
    assert stored.original_name == "animAOuazzani.pdf"
    assert f"<bdi>{stored.original_name}</bdi>" in html
    assert '<div class="text-block" dir="auto">' in html  # the request and the answer
    for path in ["receipt.pdf", "answer.pdf", f"files/{stored.pk}/"]:
        response = client.get(f"/requests/{req.reference}/{path}")
        assert response.status_code == 200, path
        disposition = response.get("Content-Disposition", "")
        assert not re.search("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\r\n]", disposition), path
        assert "anim" not in disposition.replace("animAOuazzani.pdf", ""), disposition
