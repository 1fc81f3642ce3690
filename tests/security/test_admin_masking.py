"""The Django admin shows no applicant's identity nor internal note; tokens only for oneself.

Issue 17, finding 4 (in part): an administrator may open any request, but is not among
those who handle it (Law 09-08), and could make an API token for any account.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from ati.requests import services
from ati.requests.models import Message
from tests.requests.conftest import applicant_details, clock, request_details  # noqa: F401

pytestmark = pytest.mark.django_db

IDENTITY = {
    "first_name": "Zineb",
    "last_name": "Bennaniqx",
    "address": "7 impasse des Orangers, Salé",
    "id_number": "ZX987654",
    "email": "zineb.qx@example.org",
    "phone": "0677 88 99 00",
}
NOTE = "Note interne : avis du service juridique"


@pytest.fixture
def req(request, body, citizen, officer):
    request.getfixturevalue("clock")
    req = services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(**IDENTITY),
        details=request_details(),
    )
    services.post_message(officer, req, text=NOTE, internal=True)
    services.post_message(citizen, req, text="Une question de l'applicant.")
    return req


@pytest.fixture
def admin_client(administrator):
    client = Client()
    client.force_login(administrator)
    return client


def test_the_admin_masks_the_applicants_identity_in_lists_and_change_views(
    req, admin_client, citizen
):
    pages = [
        "/admin/requests/informationrequest/",
        f"/admin/requests/informationrequest/{req.pk}/change/",
        "/admin/requests/message/",
        "/admin/requests/attachment/",
    ]
    pages += [f"/admin/requests/message/{m.pk}/change/" for m in Message.objects.all()]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for value in [*IDENTITY.values(), citizen.email]:
            assert value not in html, (url, value)
    change = admin_client.get(f"/admin/requests/informationrequest/{req.pk}/change/")
    with translation.override("fr"):  # the admin speaks the site's default language
        assert gettext("masked (personal data, Law 09-08)") in change.content.decode()


def test_the_admin_hides_internal_notes_text(req, admin_client):
    note = Message.objects.get(direction="internal")
    html = admin_client.get(f"/admin/requests/message/{note.pk}/change/").content.decode()
    with translation.override("fr"):
        assert NOTE not in html and gettext("hidden (an internal note of the body)") in html
    other = Message.objects.get(direction="from_applicant")
    html = admin_client.get(f"/admin/requests/message/{other.pk}/change/").content.decode()
    assert "Une question de l&#x27;applicant." in html


def test_the_admin_makes_api_tokens_only_for_its_own_account(admin_client, administrator, officer):
    url = "/admin/authtoken/tokenproxy/add/"
    refused = admin_client.post(url, {"user": officer.pk})
    assert refused.status_code == 200  # the form again, with its error
    assert not Token.objects.filter(user=officer).exists()
    made = admin_client.post(url, {"user": administrator.pk})
    assert made.status_code == 302
    token = Token.objects.get(user=administrator)
    Token.objects.create(user=officer)  # made elsewhere (a command): listed, key not shown
    first = admin_client.get("/admin/authtoken/tokenproxy/").content.decode()
    assert token.key in first  # once, in the message saying it was made: how one learns it
    listed = admin_client.get("/admin/authtoken/tokenproxy/").content.decode()
    assert token.key not in listed and Token.objects.get(user=officer).key not in listed
