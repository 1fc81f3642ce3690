"""API errors: JSON with ATI_DEBUG=1 too, in the request's language, 429s with Retry-After."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

from ati.requests.api import InformationRequestViewSet
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return str(translation.gettext(message))


@override_settings(DEBUG=True)
@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_an_unknown_api_address_is_json_in_debug_mode(language):
    response = Client().get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"message": _in(language, "Not found.")}
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response
    # The site's pages keep Django's own pages.
    assert Client().get("/no-such-page/")["Content-Type"].startswith("text/html")


@override_settings(DEBUG=True)
def test_a_crash_of_the_api_is_json_in_debug_mode(monkeypatch, citizen):
    def crash(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(InformationRequestViewSet, "list", crash)
    client = Client(raise_request_exception=False)
    client.force_login(citizen)
    response = client.get("/api/v1/requests/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 500
    assert response.json() == {"message": _in("ar", "A server error occurred.")}


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_a_body_that_is_not_json_is_a_400_in_the_request_language(citizen, debug, language):
    from ati.accounts.tokens import create_token

    _made, token = create_token(citizen, name="script")
    with override_settings(DEBUG=debug):
        response = Client().post(
            "/api/v1/requests/",
            data='{"subject": ',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 400
    with translation.override(language):
        expected = translation.gettext(
            "The body is not valid JSON (line %(line)d, column %(column)d)."
        ) % {"line": 1, "column": 13}
    assert response.json() == {"message": expected}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_a_session_signed_write_without_csrf_is_refused_in_json_in_its_language(citizen, language):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post(
        "/api/v1/requests/", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    expected = _in(
        language,
        "This call is signed by a session: send its CSRF token in the X-CSRFToken header, "
        "or sign the call with a token (Authorization: Token …).",
    )
    assert response.json() == {"message": expected}
    if language == "en":
        assert "X-CSRFToken" in response.json()["message"]


def _no_more(scope: str):
    limits = settings.ATI_RATE_LIMITS
    return override_settings(ATI_RATE_LIMITS={**limits, scope: (0, limits[scope][1])})


def test_every_429_says_when_to_try_again(citizen, body):
    with _no_more("submit"), _no_more("message"), _no_more("login-email"):
        api = Client()
        api.force_login(citizen)
        refused = api.post("/api/v1/requests/", {}, content_type="application/json")
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 3600
        assert refused.json()["message"]
        page = api.post("/requests/new/", {})
        assert page.status_code == 429 and 0 < int(page["Retry-After"]) <= 3600
        user = UserFactory()
        login = Client().post("/accounts/login/", {"login": user.email, "password": "x"})
        assert login.status_code == 429 and 0 < int(login["Retry-After"]) <= 15 * 60
    with _no_more("login-ip"):
        login = Client().post("/accounts/login/", {"login": user.email, "password": "x"})
        assert login.status_code == 429 and 0 < int(login["Retry-After"]) <= 15 * 60
