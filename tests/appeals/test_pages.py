"""The pages: the applicant files from the request page, the head decides, the commission
works from its dashboard (in French and Arabic), and the decision letter PDF."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from ati.appeals import letters, services
from ati.appeals.models import Appeal, Complaint, ComplaintState, Decision, Ground
from ati.requests.models import State

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _decided(req, citizen, head, officer, commissioner, decision=Decision.DISCLOSURE_ORDERED):
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    services.confirm_complaint(head, complaint, text="Confirmé.")
    appeal = services.file_appeal(citizen, req, reasons="Appel à la commission.")
    services.declare_admissible(commissioner, appeal)
    services.request_observations(commissioner, appeal, note="Vos observations ?")
    services.submit_observations(officer, appeal, text="Sécurité.")
    return services.decide(
        commissioner,
        appeal,
        decision=decision,
        reasons="Aucune exception ne s'applique à ces documents.",
    )


def test_applicant_files_a_complaint_from_the_request_page(client, refused, citizen, clock):
    req = refused()
    client.force_login(citizen)
    html = client.get(f"/requests/{req.reference}/").content.decode()
    assert "Réclamations et recours" in html and f"/requests/{req.reference}/complaint/" in html
    # The window's last day is shown (20 working days after the answer).
    assert "1 décembre 2026" in html or "1er décembre 2026" in html
    bad = client.post(f"/requests/{req.reference}/complaint/", {"ground": "refusal"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    response = client.post(
        f"/requests/{req.reference}/complaint/",
        {"ground": "refusal", "reasons": "Ces plans sont publics."},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    html = client.get(f"/requests/{req.reference}/").content.decode()
    assert f"/complaints/{complaint.pk}/" in html
    assert f"/requests/{req.reference}/complaint/" not in html  # one complaint at a time


def test_head_sees_complaints_to_decide_and_overturns(client, refused, citizen, head, clock):
    req = refused()
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    client.force_login(head)
    listing = client.get("/complaints/").content.decode()
    assert f"/complaints/{complaint.pk}/" in listing
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f"/complaints/{complaint.pk}/do/overturn/" in page
    response = client.post(
        f"/complaints/{complaint.pk}/do/overturn/", {"text": "Communiquez les plans."}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    req.refresh_from_db()
    assert complaint.state == ComplaintState.OVERTURNED and req.state == State.SUBMITTED
    again = client.post(f"/complaints/{complaint.pk}/do/confirm/", {"text": "Oups."})
    assert again.status_code == 409


def test_a_citizen_cannot_decide_from_the_page(client, refused, citizen, clock):
    complaint = services.file_complaint(citizen, refused(), ground=Ground.REFUSAL, reasons="Non.")
    client.force_login(citizen)
    assert (
        client.post(f"/complaints/{complaint.pk}/do/confirm/", {"text": "Moi."}).status_code == 403
    )
    assert client.get("/commission/").status_code == 403


def test_officer_of_another_body_gets_404(client, refused, citizen, other_body, clock):
    from ati.accounts.models import Role
    from tests.factories import member

    complaint = services.file_complaint(citizen, refused(), ground=Ground.REFUSAL, reasons="Non.")
    client.force_login(member(Role.OFFICER, other_body))
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 404


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_commission_dashboard_renders(
    client, refused, citizen, head, officer, commissioner, clock, language
):
    req = refused()
    appeal = _decided(req, citizen, head, officer, commissioner)
    other = refused()
    pending = services.file_appeal(citizen, other, reasons="Sans plainte préalable.")
    client.force_login(commissioner)
    client.cookies["django_language"] = language
    response = client.get("/commission/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert ('dir="rtl"' in html) == (language == "ar")
    assert f"/appeals/{pending.pk}/" in html  # pending by default
    assert "CDAI-2026-0001" in html  # compliance follow-up
    filtered = client.get(
        "/commission/",
        {
            "stage": "compliance",
            "body": req.body.pk,
            "ground": "refusal",
            "legal_ground": "state-security",
        },
    ).content.decode()
    assert f"/appeals/{appeal.pk}/" in filtered and f"/appeals/{pending.pk}/" not in filtered
    page = client.get(f"/appeals/{pending.pk}/").content.decode()
    assert "do/declare_inadmissible/" in page
    report = client.get("/commission/non-compliance/?year=2026")
    assert report.status_code == 200


def test_commission_works_an_appeal_from_its_page(
    client, refused, citizen, head, commissioner, clock
):
    req = refused()
    appeal = services.file_appeal(citizen, req, reasons="Directement.")
    client.force_login(commissioner)
    response = client.post(
        f"/appeals/{appeal.pk}/do/declare_inadmissible/",
        {"reason": "no_prior_complaint", "text": ""},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == "inadmissible"


def test_decision_pdf_in_french_has_the_number_and_date(
    client, refused, citizen, head, officer, commissioner, clock
):
    appeal = _decided(refused(), citizen, head, officer, commissioner)
    client.force_login(citizen)
    response = client.get(f"/appeals/{appeal.pk}/decision.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "CDAI-2026-0001" in text and "30 octobre 2026" in text
    assert "30/10/2026" not in text  # one date, written once (issue 18)


def test_decision_pdf_in_arabic_has_the_number_and_date(
    refused, citizen, head, officer, commissioner, clock
):
    appeal = _decided(
        refused(language="ar"), citizen, head, officer, commissioner, decision=Decision.CONFIRMED
    )
    text = pdf_text(letters.decision_pdf(appeal))
    assert "CDAI-2026-0001" in text and "30/10/2026" not in text
    assert "أكتوبر" in text  # October, in Arabic
    assert translation.get_language() == "fr"  # the letter does not leak its language


def test_published_decisions_are_public(
    client, refused, citizen, head, officer, commissioner, clock
):
    appeal = _decided(refused(), citizen, head, officer, commissioner)
    services.publish_decision(commissioner, appeal, text="Un demandeur a demandé des plans…")
    assert "CDAI-2026-0001" not in client.get("/decisions/").content.decode()  # not reviewed
    from ati.library import services as library

    pub = appeal.publications.get()
    library.prepare_publication(pub.pk)
    library.approve_and_publish(commissioner, pub)
    html = client.get("/decisions/").content.decode()
    assert "CDAI-2026-0001" in html and "Un demandeur" in html
    assert Appeal.objects.get().published_at is not None


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_date_fields_carry_an_iso_value_the_browser_accepts(language):
    """<input type="date"> ignores 26/11/2026: the hearing's initial date must be ISO."""
    import datetime as dt

    from ati.appeals.forms import HearingForm, ObservationsRequestForm

    with translation.override(language):
        hearing = str(HearingForm(initial={"on": dt.date(2026, 11, 26)})["on"])
        due = str(ObservationsRequestForm(initial={"due": dt.date(2026, 12, 3)})["due"])
    assert 'value="2026-11-26"' in hearing
    assert 'value="2026-12-03"' in due


def _duplicate_ids(html: str) -> list[str]:
    import collections
    import re

    ids = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
    return sorted(i for i, n in ids.items() if n > 1)


def test_forms_sharing_a_page_keep_their_labels_on_their_own_fields(
    client, refused, citizen, head, commissioner, clock
):
    """Complaint and appeal (both `reasons`), confirm and overturn, the appeal's actions."""
    req = refused()
    client.force_login(citizen)
    html = client.get(f"/requests/{req.reference}/").content.decode()
    assert 'id="id_complaint_reasons"' in html and 'id="id_appeal_reasons"' in html
    assert _duplicate_ids(html) == []
    bad = client.post(f"/requests/{req.reference}/appeal/", {"reasons": ""}).content.decode()
    assert 'id="id_appeal_reasons"' in bad and _duplicate_ids(bad) == []
    assert 'aria-describedby="id_appeal_reasons_helptext id_appeal_reasons_error"' in bad
    assert 'id="id_appeal_reasons_error"' in bad
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    client.force_login(head)
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'id="id_confirm_text"' in html and _duplicate_ids(html) == []
    services.confirm_complaint(head, complaint, text="Confirmé.")
    appeal = services.file_appeal(citizen, req, reasons="Appel.")
    services.declare_admissible(commissioner, appeal)
    services.request_observations(commissioner, appeal, note="Vos observations ?")
    client.force_login(commissioner)
    html = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'id="id_decide_reasons"' in html and 'id="id_draft_decision_reasons"' in html
    assert _duplicate_ids(html) == []
