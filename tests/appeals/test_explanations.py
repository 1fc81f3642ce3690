"""How a due date was computed is stored as data and written in the reader's language
(issue 18): an Arabic applicant's deadline reads in French on a French page, in Arabic
in the Arabic applicant's letters, and older rows get their data from a migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from ati.appeals import services
from ati.appeals.models import Complaint, Ground
from ati.requests.models import InformationRequest

pytestmark = pytest.mark.django_db

FRENCH, ARABIC = "jours ouvrables", "يوم عمل"


def test_the_request_page_explains_in_the_readers_language(client, make_request, officer):
    req = make_request(language="ar")
    assert req.due_basis["due"] == req.response_due.isoformat()
    assert ARABIC in req.due_explanation  # the applicant's words, kept for the API and audit
    client.force_login(officer)
    french = client.get(f"/requests/{req.reference}/", HTTP_ACCEPT_LANGUAGE="fr")
    html = french.content.decode()
    assert FRENCH in html and ARABIC not in html
    assert req.explain_due("ar") == req.due_explanation


def test_the_complaint_page_explains_in_the_readers_language(client, refused, citizen, head):
    complaint = services.file_complaint(
        citizen, refused(language="ar"), ground=Ground.REFUSAL, reasons="لا."
    )
    assert complaint.due_basis["due"] == complaint.decision_due.isoformat()
    client.force_login(head)
    html = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert FRENCH in html and ARABIC not in html


def test_an_extension_stores_its_computation(make_request, officer):
    from ati.requests import services as request_services

    req = request_services.extend(officer, make_request(language="ar"), reason="Volume.")
    req.refresh_from_db()
    assert req.due_basis["due"] == req.response_due.isoformat()
    assert req.due_basis["start"] != req.clock_started_on.isoformat()  # from the old due date
    assert FRENCH in req.explain_due("fr")


@pytest.mark.parametrize(
    ("module", "model"),
    [
        ("ati.requests.migrations.0003_due_basis", None),
        ("ati.appeals.migrations.0004_due_basis", 1),
    ],
)
def test_the_migration_rebuilds_the_data_of_older_rows(refused, citizen, module, model):
    req = refused(language="ar")
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="لا.")
    expected = (req.due_basis, complaint.due_basis)
    InformationRequest.objects.update(due_basis=None)
    Complaint.objects.update(due_basis=None)
    # A row whose computation cannot be rebuilt keeps its sentence: the fallback.
    Complaint.objects.create(
        request=req,
        ground=Ground.COST,
        reasons="x",
        filed_on=complaint.filed_on,
        window_start=complaint.window_start,
        window_end=complaint.window_end,
        decision_due=complaint.decision_due.replace(year=2030),
        due_explanation="نص قديم",
        state="confirmed",
    )
    importlib.import_module(module).rebuild(apps, None)
    if model is None:
        req.refresh_from_db()
        assert req.due_basis == expected[0]
    else:
        complaint.refresh_from_db()
        assert complaint.due_basis == expected[1]
        old = Complaint.objects.get(due_explanation="نص قديم")
        assert old.due_basis is None
        from ati.law.templatetags.ati_format import due_explained

        assert due_explained(old) == "نص قديم"


def test_an_arabic_page_writes_its_dates_one_way(client, refused, citizen):
    req = refused(language="ar")
    services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="لا.")
    client.force_login(citizen)
    html = client.get(f"/requests/{req.reference}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "أكتوبر 2026" in html and "نونبر 2026" in html  # the complaint panel's dates too
    for mashreq in ("نوفمبر", "ديسمبر", "أغسطس"):
        assert mashreq not in html


def test_the_admin_edits_signatories_and_the_commission(client, administrator, body):
    from ati.appeals.models import Commission

    client.force_login(administrator)
    page = client.get(f"/admin/bodies/publicbody/{body.pk}/change/").content.decode()
    assert "signatory_name" in page and "signatory_title_ar" in page
    # The commission is one row: its list opens its form, first the add form with defaults.
    response = client.get("/admin/appeals/commission/")
    assert response.status_code == 302 and response["Location"].endswith("/add/")
    form = client.get(response["Location"]).content.decode()
    assert "CDAI" in form
    Commission(signatory_name="Omar Seghrouchni").save()
    response = client.get("/admin/appeals/commission/")
    assert response["Location"].endswith("/appeals/commission/1/change/")
    assert Commission.current().signatory_name == "Omar Seghrouchni"
