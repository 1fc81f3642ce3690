"""The request's webhook events, for the body's own case-management system (issue #16).

* `request.submitted`: a request is received (online, recorded by an officer, or
  transferred in from another body);
* `request.state_changed`: a request moves from one state to another, whoever moved it;
* `request.due_soon`: its answer is due in a few working days (with the officers'
  reminders, ATI_REMINDER_WORKING_DAYS), sent by the deadline sweep.

The first two come from the audit log's hook (`ati.audit.services.register_record_hook`):
every change of a request writes one audit event in its transaction, with the state
before and after, so the events cannot miss a change nor be sent for one rolled back,
and the service frames need no line of their own.

What the payload holds (docs/api.md, "Webhooks"): the body's system is trusted like
its officers, but a payload is stored in the outbox and travels to an address outside
the application, so it carries the request's facts and no personal data: no applicant
identity and none of the free texts (subject, request, answer), which an applicant may
fill with them. The receiving system reads those through the API with an officer's
token (`GET /api/v1/requests/{id}/`), where the usual rules and the audit apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ati.audit.models import AuditEvent
from ati.notifications import services as notification_services
from ati.notifications import webhooks
from ati.notifications.models import Notification, WebhookEndpoint, WebhookEvent
from ati.notifications.services import Rendered, renderer

from .models import CLOCK_RUNNING, InformationRequest
from .sweep import REQUEST_TYPE, RequestDeadlines, last_day_at, reminder_days

DUE_SOON_KIND = webhooks.kind_for(WebhookEvent.REQUEST_DUE_SOON)


def request_facts(req: InformationRequest) -> dict[str, Any]:
    """The request as a webhook tells it: its facts, no personal data, no free text."""
    return {
        "id": req.pk,
        "reference": req.reference,
        "url": f"/api/v1/requests/{req.pk}/",
        "body": req.body.code,
        "department": req.department.code if req.department_id else None,  # type: ignore[union-attr]
        "state": req.state,
        "urgent": req.urgent,
        "channel": req.channel,
        "language": req.language,
        "delivery_form": req.delivery_form,
        "submitted_at": req.submitted_at,
        "received_on": req.received_on,
        "response_due": req.response_due,
        "original_response_due": req.original_response_due,
        "extensions_used": req.extensions_used,
        "outcome": req.outcome or None,
        "answered_at": req.answered_at,
        "closed_at": req.closed_at,
        "transferred_from": req.transferred_from_id,
    }


def on_audit_event(event: AuditEvent, obj: Any) -> None:
    """Queue the webhook events of one audited change of a request (in its transaction)."""
    if not isinstance(obj, InformationRequest) or not event.action.startswith("request."):
        return
    if event.action == "request.submitted":
        notification_services.queue_webhook_event(
            obj.body_id,
            WebhookEvent.REQUEST_SUBMITTED,
            {"request": request_facts(obj)},
            related=obj,
        )
        return
    before = (event.before or {}).get("state") if isinstance(event.before, dict) else None
    after = (event.after or {}).get("state") if isinstance(event.after, dict) else None
    if before and after and before != after:
        notification_services.queue_webhook_event(
            obj.body_id,
            WebhookEvent.REQUEST_STATE_CHANGED,
            {
                "request": request_facts(obj),
                "change": {
                    "action": event.action.removeprefix("request."),
                    "from": before,
                    "to": after,
                },
            },
            related=obj,
        )


# --- due soon: queued by the deadline sweep, rendered at delivery --------------------------
class DueSoonWebhooks(RequestDeadlines):
    """`request.due_soon` for the endpoints that want it, at the officers' reminder steps.

    The same windows as the officers' reminders (`RequestDeadlines`), one row per endpoint,
    deduplicated by key: a second sweep queues nothing. No overdue events.
    """

    name = "request-webhooks"
    _wanted: dict[int, list[int]]

    def notices(self, today: dt.date) -> Iterator[Notification]:
        self._wanted = {}
        for endpoint in WebhookEndpoint.objects.filter(is_active=True):
            if endpoint.wants(WebhookEvent.REQUEST_DUE_SOON):
                self._wanted.setdefault(endpoint.body_id, []).append(endpoint.pk)
        if self._wanted:  # else not even the calendars: most sites have no webhook
            yield from super().notices(today)

    def _reminders(
        self, running: QuerySet[InformationRequest], calendar: Any, today: dt.date
    ) -> Iterator[Notification]:
        wanted = self._wanted
        running = running.filter(body_id__in=wanted)
        thresholds = reminder_days()
        for i, n in enumerate(thresholds):
            lower = thresholds[i + 1] if i + 1 < len(thresholds) else None
            first = (
                last_day_at(calendar, today, lower) + dt.timedelta(days=1)
                if lower is not None
                else today
            )
            rows = running.filter(
                response_due__range=(first, last_day_at(calendar, today, n))
            ).values_list("pk", "body_id", "response_due")
            for pk, body_id, due in rows:
                for endpoint_id in wanted[body_id]:
                    yield Notification(
                        kind=DUE_SOON_KIND,
                        webhook_id=endpoint_id,
                        language="en",  # the payload is JSON, in no language
                        related_type=REQUEST_TYPE,
                        related_id=pk,
                        due_on=due,
                        days_before=n,
                        dedup_key=f"webhook:due_soon:{n}:request:{pk}:{due.isoformat()}:"
                        f"w{endpoint_id}",
                    )

    def _overdue(
        self, running: QuerySet[InformationRequest], today: dt.date
    ) -> Iterator[Notification]:
        return iter(())


@renderer(DUE_SOON_KIND)
def due_soon_payload(notification: Notification) -> Rendered | None:
    """The payload, at delivery; None (cancelled) when the deadline no longer stands."""
    req = (
        InformationRequest.objects.select_related("body", "department")
        .filter(pk=notification.related_id)
        .first()
    )
    if req is None or req.state not in CLOCK_RUNNING or req.response_due != notification.due_on:
        return None
    payload = {
        "event": WebhookEvent.REQUEST_DUE_SOON.value,
        "occurred_at": timezone.now(),
        "request": request_facts(req),
        "due": {"on": req.response_due, "working_days_before": notification.days_before},
    }
    return Rendered(
        subject=WebhookEvent.REQUEST_DUE_SOON.value, text=webhooks.payload_json(payload)
    )
