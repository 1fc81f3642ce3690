"""The Django admin shows no applicant's identity nor internal note; tokens only for oneself.

Issue 17, finding 4 (in part): an administrator may open any request, but is not among
those who handle it (Law 09-08), and could make an API token for any account.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from ati.accounts import tokens
from ati.audit.models import AuditEvent
from ati.requests import services
from ati.requests.models import Message
from tests.factories import TEST_TOTP_SECRET
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


def test_the_admin_makes_no_api_token_and_shows_no_key(admin_client, administrator, officer):
    """Tokens are made by their holder only (my account); the admin lists and revokes."""
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert admin_client.get("/admin/authtoken/tokenproxy/").status_code == 404
    token, key = tokens.create_token(officer, name="script")
    listed = admin_client.get("/admin/accounts/apitoken/").content.decode()
    assert token.prefix in listed and key not in listed and token.key_hash not in listed
    response = admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked", object_id=str(token.pk)).exists()


def test_an_administrator_reveals_one_identity_by_stating_why_audited(req, admin_client):
    url = f"/admin/requests/informationrequest/{req.pk}/reveal/"
    change = admin_client.get(f"/admin/requests/informationrequest/{req.pk}/change/")
    assert url in change.content.decode()
    page = admin_client.get(url)
    assert page.status_code == 200
    assert IDENTITY["id_number"] not in page.content.decode()
    # No reason (or too short a one): nothing shown, nothing recorded.
    for reason in ["", "because"]:
        refused = admin_client.post(url, {"reason": reason})
        assert IDENTITY["id_number"] not in refused.content.decode()
    assert not AuditEvent.objects.filter(action="request.identity_revealed").exists()

    reason = "Réquisition du tribunal de Rabat n° 2026/118"
    shown = admin_client.post(url, {"reason": reason})
    html = shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    for value in IDENTITY.values():
        assert value.replace("'", "&#x27;") in html
    event = AuditEvent.objects.get(action="request.identity_revealed")
    assert event.reason == reason and event.object_id == str(req.pk)
    assert IDENTITY["id_number"] not in str(event.after) + str(event.before)


def test_only_administrators_break_glass(req, officer):
    client = Client()
    client.force_login(officer)
    response = client.get(f"/admin/requests/informationrequest/{req.pk}/reveal/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_no_impersonation_from_the_admin(admin_client, administrator, officer):
    """No way to sign in as someone else: no "log in as", no password or address set for
    another account, no address or second factor added, no secret shown."""
    from django.urls import get_resolver

    names = {str(p.pattern) + str(getattr(p, "name", "")) for p in get_resolver().url_patterns}
    assert not [n for n in names if any(w in n for w in ("impersonat", "hijack", "login_as"))]
    assert admin_client.get(f"/admin/accounts/user/{officer.pk}/password/").status_code == 403
    own = admin_client.get(f"/admin/accounts/user/{administrator.pk}/password/")
    assert own.status_code == 200
    change = admin_client.get(f"/admin/accounts/user/{officer.pk}/change/").content.decode()
    assert 'name="email"' not in change
    assert admin_client.get("/admin/account/emailaddress/").status_code == 404
    assert admin_client.get("/admin/mfa/authenticator/add/").status_code == 403
    authenticator = officer.authenticator_set.get()
    listed = admin_client.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/")
    assert TEST_TOTP_SECRET not in listed.content.decode()
