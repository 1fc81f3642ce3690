"""Webhooks: a body's own system gets its requests' events, signed, after commit, retried.

A real HTTP server on 127.0.0.1 (a thread) receives the POSTs and checks their
signature as a receiving system would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.db import transaction

from ati.audit.models import AuditEvent
from ati.notifications import services, webhooks
from ati.notifications.models import (
    Notification,
    Status,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from ati.notifications.sweep import sweep
from ati.requests import services as request_services
from tests.requests.conftest import applicant_details, request_details

from .conftest import DUE, RECEIVED


class Receiver:
    """What the server got, and what it answers next (200 once the list is empty)."""

    def __init__(self) -> None:
        self.received: list[tuple[Message, bytes]] = []
        self.statuses: list[int] = []
        self.lock = threading.Lock()

    def events(self) -> list[str]:
        return [headers["X-ATI-Event"] for headers, _ in self.received]

    def payloads(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.received.append((self.headers, body))  # case-insensitive names
                status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"down")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/ati-events"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def endpoint(body, receiver):
    return WebhookEndpoint.objects.create(body=body, url=receiver[1])


@pytest.fixture
def submitted(body, citizen, clock, django_capture_on_commit_callbacks):
    def _submit(on_body=None):
        with django_capture_on_commit_callbacks(execute=True):
            return request_services.submit_request(
                citizen,
                body=on_body or body,
                applicant=applicant_details(email=citizen.email),
                details=request_details(),
            )

    return _submit


def _check_signature(secret: str, headers: Message, body: bytes) -> None:
    """As a receiving system does it, without ati's code."""
    timestamp = headers["X-ATI-Timestamp"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    assert hmac.compare_digest(headers["X-ATI-Signature"], f"sha256={expected.hexdigest()}")


def test_a_submitted_request_is_posted_signed_to_its_bodys_endpoint(
    receiver, endpoint, submitted, other_body
):
    state, _url = receiver
    WebhookEndpoint.objects.create(body=other_body, url=endpoint.url + "/other")
    req = submitted()
    assert state.events() == ["request.submitted"]  # the other body hears nothing
    headers, body = state.received[0]
    _check_signature(endpoint.secret, headers, body)
    signature, timestamp = headers["X-ATI-Signature"], headers["X-ATI-Timestamp"]
    assert webhooks.verify(endpoint.secret, body, signature, timestamp)
    assert not webhooks.verify("another secret", body, signature, timestamp)
    assert not webhooks.verify(endpoint.secret, body + b" ", signature, timestamp)
    assert headers["Content-Type"].startswith("application/json")
    payload = json.loads(body)
    assert payload["event"] == "request.submitted"
    assert payload["request"]["reference"] == req.reference
    assert payload["request"]["body"] == req.body.code
    assert payload["request"]["state"] == "submitted"
    assert payload["request"]["response_due"] == DUE.isoformat()
    # No personal data: the applicant's identity and free texts stay behind the API.
    for personal in (
        req.applicant_first_name,
        req.applicant_last_name,
        req.applicant_id_number,
        req.applicant_email,
        req.subject,
    ):
        assert personal not in body.decode()
    row = Notification.objects.get(kind="webhook.request.submitted")
    assert row.status == Status.SENT and row.webhook == endpoint
    assert headers["X-ATI-Delivery"] == str(row.pk)
    attempt = WebhookDelivery.objects.get()
    assert attempt.ok and attempt.status_code == 200 and attempt.attempt == 1


def test_a_replayed_event_is_refused_by_its_timestamp(receiver, endpoint, submitted):
    state, _url = receiver
    submitted()
    headers, body = state.received[0]
    sent_at = int(headers["X-ATI-Timestamp"])
    args = (endpoint.secret, body, headers["X-ATI-Signature"], headers["X-ATI-Timestamp"])
    assert webhooks.verify(*args, now=sent_at + 299)
    assert not webhooks.verify(*args, now=sent_at + 301)


def test_each_change_of_state_is_posted_with_its_action(
    receiver, endpoint, submitted, officer, department, django_capture_on_commit_callbacks
):
    state, _url = receiver
    req = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        request_services.assign(officer, req, department=department)
    with django_capture_on_commit_callbacks(execute=True):
        request_services.answer(officer, req, outcome="granted", text="Voici.")
    assert state.events() == [
        "request.submitted",
        "request.state_changed",
        "request.state_changed",
    ]
    changes = [p["change"] for p in state.payloads()[1:]]
    assert changes == [
        {"action": "assign", "from": "submitted", "to": "assigned"},
        {"action": "answered.granted", "from": "assigned", "to": "answered"},
    ]
    assert state.payloads()[2]["request"]["outcome"] == "granted"
    assert "Voici" not in state.received[2][1].decode()


def test_an_endpoint_gets_only_the_events_it_wants(
    receiver, endpoint, submitted, officer, department, django_capture_on_commit_callbacks
):
    state, _url = receiver
    endpoint.events = [WebhookEvent.REQUEST_STATE_CHANGED]
    endpoint.save()
    req = submitted()
    assert state.received == []
    endpoint.is_active = False
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_services.assign(officer, req, department=department)
    assert state.received == []


def test_nothing_is_sent_when_the_transaction_rolls_back(
    receiver, endpoint, body, citizen, clock, django_capture_on_commit_callbacks
):
    state, _url = receiver
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        request_services.submit_request(
            citizen,
            body=body,
            applicant=applicant_details(email=citizen.email),
            details=request_details(),
        )
        assert Notification.objects.filter(kind__startswith="webhook.").count() == 1
        raise RuntimeError("the change fails after the event was queued")
    assert callbacks == []
    assert not Notification.objects.filter(kind__startswith="webhook.").exists()
    services.deliver_pending()
    assert state.received == [] and not WebhookDelivery.objects.exists()


def test_a_failing_endpoint_is_retried_with_backoff_then_delivered_once(
    receiver, endpoint, body, citizen, django_capture_on_commit_callbacks
):
    state, _url = receiver
    state.statuses = [503, 500]
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            request_services.submit_request(
                citizen,
                body=body,
                applicant=applicant_details(email=citizen.email),
                details=request_details(),
            )
        row = Notification.objects.get(kind="webhook.request.submitted")
        assert row.status == Status.FAILED and row.attempts == 1
        assert row.next_attempt_at == start + dt.timedelta(minutes=1)
        assert "503" in row.last_error
        services.deliver_pending()  # not due yet
        assert len(state.received) == 1
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        services.deliver_pending()
        row.refresh_from_db()
        assert row.status == Status.FAILED and row.attempts == 2
        assert row.next_attempt_at == start + dt.timedelta(minutes=3)
    with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
        services.deliver_pending()
        services.deliver_pending()
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 3
    assert len(state.received) == 3
    # The same event each time (the receiver's idempotency key), each attempt signed anew.
    assert {headers["X-ATI-Delivery"] for headers, _ in state.received} == {str(row.pk)}
    assert len({body for _, body in state.received}) == 1
    for headers, body in state.received:
        _check_signature(endpoint.secret, headers, body)
    attempts = list(WebhookDelivery.objects.order_by("attempt"))
    assert [(a.attempt, a.status_code, a.ok) for a in attempts] == [
        (1, 503, False),
        (2, 500, False),
        (3, 200, True),
    ]


def test_an_unreachable_endpoint_is_an_attempt_recorded_and_retried(body, submitted, settings):
    settings.ATI_WEBHOOK_TIMEOUT_SECONDS = 2
    endpoint = WebhookEndpoint.objects.create(body=body, url="http://127.0.0.1:9/nobody")
    submitted()
    row = Notification.objects.get(webhook=endpoint)
    assert row.status == Status.FAILED and row.next_attempt_at is not None
    attempt = WebhookDelivery.objects.get()
    assert not attempt.ok and attempt.status_code is None and attempt.error


def test_due_soon_is_sent_by_the_sweep_once_per_step(receiver, body, submitted):
    state, url = receiver
    WebhookEndpoint.objects.create(body=body, url=url, events=[WebhookEvent.REQUEST_DUE_SOON])
    req = submitted()
    assert state.received == []
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC), tick=False):
        result = sweep(dt.date(2026, 11, 24))  # 5 working days left
        assert result.by_kind.get("webhook.request.due_soon") == 1
        services.deliver_pending()
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, 5, tzinfo=dt.UTC), tick=False):
        assert sweep(dt.date(2026, 11, 24)).queued == 0  # nothing twice
        assert Notification.objects.filter(kind="webhook.request.due_soon").count() == 1
    assert state.events() == ["request.due_soon"]
    payload = state.payloads()[0]
    assert payload["request"]["reference"] == req.reference
    assert payload["due"] == {"on": DUE.isoformat(), "working_days_before": 5}


def test_a_due_soon_event_for_a_request_answered_meanwhile_is_cancelled(
    receiver, body, submitted, officer
):
    state, url = receiver
    WebhookEndpoint.objects.create(body=body, url=url, events=[WebhookEvent.REQUEST_DUE_SOON])
    req = submitted()
    sweep(dt.date(2026, 11, 24))
    request_services.answer(officer, req, outcome="granted", text="Voici.")
    services.deliver_pending()
    assert state.received == []
    assert Notification.objects.get(kind="webhook.request.due_soon").status == Status.CANCELLED


def test_administrators_configure_endpoints_in_the_admin(client, administrator, body):
    client.force_login(administrator)
    response = client.post(
        "/admin/notifications/webhookendpoint/add/",
        {
            "body": body.pk,
            "url": "https://cases.example.org/ati",
            "events": ["request.submitted", "request.due_soon"],
            "is_active": "on",
            "description": "",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["request.submitted", "request.due_soon"]
    assert len(endpoint.secret) >= 40
    page = client.get(f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret in page.content.decode()  # to give to the receiving system
    event = AuditEvent.objects.get(action="webhookendpoint.created")
    assert endpoint.secret not in json.dumps(event.after)
    refused = client.post(
        "/admin/notifications/webhookendpoint/add/",
        {
            "body": body.pk,
            "url": "ftp://cases.example.org/ati",
            "events": ["request.submitted"],
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert refused.status_code == 200 and WebhookEndpoint.objects.count() == 1


def test_the_admin_lists_webhook_events_and_their_attempts(
    client, administrator, receiver, endpoint, submitted
):
    state, _url = receiver
    state.statuses = [500]
    submitted()
    client.force_login(administrator)
    for page in (
        "/admin/notifications/notification/",
        "/admin/notifications/webhookdelivery/",
        f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/",
    ):
        assert client.get(page).status_code == 200, page
    # The endpoint's page shows its attempts, the failed one with its error.
    assert "HTTP 500" in response_text(client, endpoint)


def response_text(client, endpoint) -> str:
    return client.get(
        f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/"
    ).content.decode()


def test_received_at_is_the_clock_of_the_change(receiver, endpoint, submitted):
    state, _url = receiver
    submitted()
    assert state.payloads()[0]["occurred_at"].startswith(RECEIVED.date().isoformat())
