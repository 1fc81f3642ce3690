"""A database error in the middle of a submission: a clean 503, and nothing half-written."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from rest_framework.test import APIClient

from ati.audit.models import AuditEvent
from ati.core.models import Counter
from ati.requests.models import InformationRequest

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def database_fails_at_the_last_statement(monkeypatch):
    """The numbering, the submission's last statement, loses the database: the audit event
    (and on SQLite the request row) is written by then, inside the transaction."""
    seen = []

    def number_last(*args, **kwargs):
        seen.append(AuditEvent.objects.count())
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("ati.requests.services._number_last", number_last)
    return seen


def assert_nothing_written():
    assert not InformationRequest.objects.exists()
    assert not Counter.objects.filter(value__gt=0).exists()
    assert not AuditEvent.objects.exists()


def test_page_answers_503_with_a_small_page_and_writes_nothing(
    client, body, citizen, clock, english, database_fails_at_the_last_statement
):
    client.force_login(citizen)
    response = client.post("/requests/new/", {**FORM, "body": body.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert database_fails_at_the_last_statement == [1]
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Service temporarily unavailable" in html and "Traceback" not in html
    assert "OperationalError" not in html and "server closed" not in html
    assert "Content-Security-Policy" in response.headers
    assert_nothing_written()


def test_api_answers_503_with_a_json_message_and_writes_nothing(
    body, citizen, clock, english, database_fails_at_the_last_statement
):
    api = APIClient()
    api.force_authenticate(citizen)
    payload = {k: v for k, v in FORM.items() if k not in ("id_kind", "delivery_form")}
    response = api.post(
        "/api/v1/requests/",
        {**payload, "body": body.code},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert database_fails_at_the_last_statement == [1]
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {
        "message": "The service cannot reach its database just now. Please try again shortly."
    }
    assert_nothing_written()


def test_interface_error_on_a_read_is_a_503_too(client, citizen, monkeypatch):
    def broken(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("ati.requests.views.render", broken)
    client.force_login(citizen)
    assert client.get("/requests/mine/").status_code == 503


def test_other_errors_are_not_hidden(client, citizen, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("ati.requests.views.render", broken)
    client.force_login(citizen)
    with pytest.raises(RuntimeError):
        client.get("/requests/mine/")
