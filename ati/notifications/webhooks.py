"""Webhooks: a body's own system told of its requests' events, through the outbox.

An event is one outbox row per endpoint of the body that wants it (kind
`webhook.<event>`, its JSON payload in `text_body`), written in the transaction of
the change that caused it: a change rolled back sends nothing, and a change
committed is delivered after the commit by the worker, retried with the same
exponential backoff as e-mails (`services.deliver_notification`). Each attempt is
recorded (`WebhookDelivery`).

Signing: `X-ATI-Signature: sha256=<hex>` is the HMAC-SHA256, keyed with the
endpoint's secret, of `<timestamp>.<body>`, where `<timestamp>` is the
`X-ATI-Timestamp` header (Unix seconds at the attempt). The receiver recomputes
it, compares in constant time, and refuses a timestamp older than a few minutes:
a captured POST cannot be replayed later. `X-ATI-Delivery` is the same at every
attempt of one event (the receiver's idempotency key).

This module knows no request: the requests app builds the payloads and calls
`queue_event` (ati/requests/webhooks.py). A redirect is not followed (the address
is the one the administrator typed, not wherever it points).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .models import Notification, WebhookDelivery, WebhookEndpoint

KIND_PREFIX = "webhook."
SIGNATURE_HEADER = "X-ATI-Signature"
TIMESTAMP_HEADER = "X-ATI-Timestamp"
EVENT_HEADER = "X-ATI-Event"
DELIVERY_HEADER = "X-ATI-Delivery"
#: How old a timestamp a receiver should accept (seconds): the replay window.
TOLERANCE_SECONDS = 300


def kind_for(event: str) -> str:
    return f"{KIND_PREFIX}{event}"


def is_webhook(notification: Notification) -> bool:
    return notification.kind.startswith(KIND_PREFIX)


#: Which bodies have active endpoints, kept by each process for a short while: every
#: audited change of a request asks, and most bodies have none (a query each time would
#: lengthen every submission's transaction, whose counter row is held until commit).
#: A change of endpoints in this process is seen at once (signals); another process sees
#: it within ENDPOINTS_TTL seconds.
ENDPOINTS_TTL = 30.0
_endpoints: dict[str, Any] = {"at": 0.0, "bodies": frozenset()}


def forget_endpoints(*args: Any, **kwargs: Any) -> None:
    _endpoints["at"] = 0.0


def _bodies_with_endpoints() -> frozenset[int]:
    now = time.monotonic()
    if now - _endpoints["at"] > ENDPOINTS_TTL:
        active = WebhookEndpoint.objects.filter(is_active=True).values_list("body_id", flat=True)
        _endpoints["bodies"], _endpoints["at"] = frozenset(active), now
    return _endpoints["bodies"]


def has_endpoints(body_id: int) -> bool:
    """Whether the body has an active endpoint (from the cached set: no query)."""
    return body_id in _bodies_with_endpoints()


def endpoints_for(body_id: int, event: str) -> list[WebhookEndpoint]:
    """The active endpoints of a body that want this event."""
    if not has_endpoints(body_id):
        return []
    active = WebhookEndpoint.objects.filter(body_id=body_id, is_active=True)
    return [endpoint for endpoint in active if endpoint.wants(event)]


def payload_json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The value of `X-ATI-Signature` for this body sent at this timestamp."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(
    secret: str,
    body: bytes,
    signature: str,
    timestamp: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does (docs/api.md has it standalone): signature right and recent."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is then an HTTPError: a failed attempt


_opener = urllib.request.build_opener(_NoRedirect)


class WebhookFailed(Exception):
    """The endpoint did not answer 2xx: the attempt failed and is retried later."""


def timeout_seconds() -> float:
    return float(getattr(settings, "ATI_WEBHOOK_TIMEOUT_SECONDS", 10))


def send(notification: Notification) -> None:
    """POST one event once; record the attempt; raise unless the endpoint answered 2xx."""
    endpoint = notification.webhook
    assert endpoint is not None
    body = notification.text_body.encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - http(s) only: a URLField, set by an administrator
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "ati-webhooks/1",
            EVENT_HEADER: notification.kind.removeprefix(KIND_PREFIX),
            DELIVERY_HEADER: str(notification.pk),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
        },
    )
    attempt = WebhookDelivery(
        notification=notification,
        endpoint=endpoint,
        attempt=notification.attempts,
        url=endpoint.url,
        started_at=timezone.now(),
    )
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout_seconds()) as response:
            attempt.status_code = response.status
            attempt.response_excerpt = response.read(500).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        attempt.status_code = error.code
        attempt.error = f"HTTP {error.code}"
        attempt.response_excerpt = error.read(500).decode("utf-8", "replace")
    except Exception as error:
        attempt.error = f"{type(error).__name__}: {error}"[:2000]
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    attempt.ok = attempt.status_code is not None and 200 <= attempt.status_code < 300
    attempt.save()
    if not attempt.ok:
        raise WebhookFailed(attempt.error or f"HTTP {attempt.status_code}")
