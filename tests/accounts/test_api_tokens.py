"""Personal API tokens (issue 17): made, listed and revoked by their holder; stored hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ati.accounts import tokens
from ati.accounts.models import ApiToken, Role
from ati.audit.models import AuditEvent
from tests.factories import UserFactory, api_key, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _api(key: str | None = None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_made_under_my_account_shown_once_and_stored_hashed(client, citizen):
    client.force_login(citizen)
    response = client.post("/accounts/me/tokens/", {"name": "Mon script"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=citizen)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert not ApiToken.objects.filter(key_hash=key).exists() and key.startswith(token.prefix)
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=90)).date()
    listed = client.get("/accounts/me/tokens/").content.decode()
    assert "Mon script" in listed and token.prefix in listed and key not in listed
    assert AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).exists()
    assert client.post("/accounts/me/tokens/", {"name": ""}).status_code == 400


def test_the_key_opens_the_api_and_records_its_last_use_at_most_once_a_minute(citizen):
    key = api_key(citizen)
    token = ApiToken.objects.get(user=citizen)
    assert _api(key).get("/api/v1/requests/").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    _api(key).get("/api/v1/requests/")
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    _api(key).get("/api/v1/requests/")
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=1)


def test_expired_revoked_unknown_keys_and_inactive_accounts_are_refused(citizen, other_body):
    key = api_key(citizen)
    token = ApiToken.objects.get(user=citizen)
    assert _api("ati_" + "x" * 43).get("/api/v1/requests/").status_code == 403
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert _api(key).get("/api/v1/requests/").status_code == 403
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert _api(key).get("/api/v1/requests/").status_code == 200
    citizen.is_active = False
    citizen.save()
    assert _api(key).get("/api/v1/requests/").status_code == 403
    citizen.is_active = True
    citizen.save()
    tokens.revoke_token(citizen, token)
    assert _api(key).get("/api/v1/requests/").status_code == 403


def test_the_holder_revokes_a_token_and_no_one_else_can(client, citizen):
    key = api_key(citizen, "old")
    token = ApiToken.objects.get(user=citizen)
    other = UserFactory()
    client.force_login(other)
    assert client.post(f"/accounts/me/tokens/{token.pk}/revoke/").status_code == 404
    client.force_login(citizen)
    assert client.post(f"/accounts/me/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=citizen).exists()
    assert _api(key).get("/api/v1/requests/").status_code == 403


def test_an_api_client_gets_a_token_with_email_and_password(citizen):
    response = _api().post(
        "/api/v1/auth/token/",
        {"email": citizen.email.upper(), "password": PASSWORD, "name": "CLI"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "CLI"
    assert _api(response.json()["token"]).get("/api/v1/requests/").status_code == 200
    wrong = _api().post(
        "/api/v1/auth/token/", {"email": citizen.email, "password": "nope"}, format="json"
    )
    unknown = _api().post(
        "/api/v1/auth/token/", {"email": "nobody@example.org", "password": "x"}, format="json"
    )
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()


def test_staff_give_their_authenticator_code_too(officer):
    data = {"email": officer.email, "password": PASSWORD}
    assert _api().post("/api/v1/auth/token/", data, format="json").status_code == 400
    wrong = {**data, "otp_code": "000000"}
    assert _api().post("/api/v1/auth/token/", wrong, format="json").status_code == 400
    right = {**data, "otp_code": totp_code()}
    assert _api().post("/api/v1/auth/token/", right, format="json").status_code == 201


def test_an_unconfirmed_address_gets_no_token():
    user = UserFactory(email_verified=False)
    data = {"email": user.email, "password": PASSWORD}
    assert _api().post("/api/v1/auth/token/", data, format="json").status_code == 400


def test_the_token_endpoint_is_throttled_like_the_sign_in(citizen):
    for _ in range(10):
        _api().post("/api/v1/auth/token/", {"email": citizen.email, "password": "x"}, format="json")
    blocked = _api().post(
        "/api/v1/auth/token/", {"email": citizen.email, "password": PASSWORD}, format="json"
    )
    assert blocked.status_code == 429
    assert not ApiToken.objects.exists()


def test_drf_tokens_made_before_are_hashed_and_keep_working():
    user = UserFactory(role=Role.CITIZEN)
    old = Token.objects.create(user=user)
    migration = importlib.import_module("ati.accounts.migrations.0004_hash_existing_api_tokens")
    migration.hash_tokens(apps, None)
    assert not Token.objects.exists()
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(old.key.encode()).hexdigest()
    assert _api(old.key).get("/api/v1/requests/").status_code == 200


def test_the_menu_entry_and_title_start_with_a_capital_in_french(client, citizen):
    """The catalogue's "jetons d’API" is also the model's (lower-case) verbose name."""
    client.force_login(citizen)
    client.cookies["django_language"] = "fr"
    assert ">Jetons d’API</a>" in client.get("/accounts/me/").content.decode()
    assert "<h1>Jetons d’API</h1>" in client.get("/accounts/me/tokens/").content.decode()
