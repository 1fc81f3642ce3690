"""Writes on the outbox: queue a notice, deliver it, retry it, mark it read.

`queue_notification` is called inside the transaction of the change that
causes the notice: the row commits or rolls back with it. Delivery is
scheduled only after commit, and a broker that is down is logged, not raised:
the row stays queued and `deliver_pending` (every minute, from beat) picks it
up. Delivery claims a row with one conditional UPDATE, so two workers never
send the same row, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ati.accounts import permissions
from ati.audit.services import record_many
from ati.core import files

from . import webhooks
from .models import JobRun, Notification, NotificationAttachment, Status

log = logging.getLogger(__name__)

RTL_LANGUAGES = {"ar"}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str = ""


#: Renderers of notices queued without content (the sweep's), by kind. A
#: renderer returns None when the notice no longer applies (the request was
#: answered before its reminder went out): the row is then cancelled.
RENDERERS: dict[str, Callable[[Notification], Rendered | None]] = {}


def renderer(
    kind: str,
) -> Callable[
    [Callable[[Notification], Rendered | None]], Callable[[Notification], Rendered | None]
]:
    def register(
        func: Callable[[Notification], Rendered | None],
    ) -> Callable[[Notification], Rendered | None]:
        RENDERERS[kind] = func
        return func

    return register


#: Makers of documents rendered by the worker, by key: maker(notification) -> bytes.
ATTACHMENT_MAKERS: dict[str, Callable[[Notification], bytes]] = {}


def attachment_maker(
    key: str,
) -> Callable[[Callable[[Notification], bytes]], Callable[[Notification], bytes]]:
    def register(func: Callable[[Notification], bytes]) -> Callable[[Notification], bytes]:
        ATTACHMENT_MAKERS[key] = func
        return func

    return register


def max_attempts() -> int:
    return int(getattr(settings, "ATI_NOTIFY_MAX_ATTEMPTS", 8))


def claim_seconds() -> int:
    """How long a worker owns a row it claimed; a dead worker's row is delivered again after it."""
    return int(getattr(settings, "ATI_NOTIFY_CLAIM_SECONDS", 300))


def backoff(attempts: int) -> dt.timedelta:
    """Exponential: 1, 2, 4, 8… minutes after the nth failed attempt, at most 6 hours."""
    base = int(getattr(settings, "ATI_NOTIFY_BACKOFF_SECONDS", 60))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def html_from_text(text: str, language: str, subject: str) -> str:
    """The HTML alternative: the text, with links and paragraphs, in the right direction."""
    return render_to_string(
        "notifications/email/message.html",
        {
            "text": text,
            "subject": subject,
            "language": language,
            "direction": "rtl" if language[:2] in RTL_LANGUAGES else "ltr",
        },
    )


def render_template(
    template: str, context: dict[str, Any], language: str, subject: str
) -> Rendered:
    """Render a text template and its HTML alternative in ``language``."""
    with translation.override(language):
        text = render_to_string(template, context)
        subject = str(subject)
        return Rendered(subject, text, html_from_text(text, language, subject))


# --- queueing ------------------------------------------------------------------------------
def related_label(obj: models.Model | None) -> str:
    return obj._meta.label_lower if obj is not None else ""


def queue_notification(
    kind: str,
    *,
    recipient: Any = None,
    recipient_id: int | None = None,
    email: str = "",
    language: str = "fr",
    rendered: Rendered | None = None,
    related: models.Model | None = None,
    dedup_key: str = "",
    attachments: Sequence[tuple[str, bytes, str]] = (),
    documents: Sequence[tuple[str, str, str]] = (),
) -> Notification | None:
    """Write one notice in the caller's transaction; deliver it after commit.

    Returns None when a notice with this ``dedup_key`` already exists.
    """
    email = email or (getattr(recipient, "email", "") if recipient is not None else "")
    if recipient is not None:
        recipient_id = recipient.pk
    if not email and recipient_id is None:
        return None
    related_id = related.pk if related is not None else None
    key = dedup_key or f"{kind}:{related_label(related)}:{related_id}:{uuid.uuid4().hex}"
    fields = {
        "recipient_id": recipient_id,
        "recipient_email": email,
        "language": language,
        "kind": kind,
        "subject": rendered.subject[:300] if rendered else "",
        "text_body": rendered.text if rendered else "",
        "html_body": (rendered.html or html_from_text(rendered.text, language, rendered.subject))
        if rendered
        else "",
        "related_type": related_label(related),
        "related_id": related_id,
        "dedup_key": key,
    }
    # The stored documents go if the caller's change rolls back. Savepoints only where
    # a duplicate is possible (a caller's dedup key): each one is two round trips inside
    # the caller's transaction, which may hold row locks.
    with files.atomic(savepoint=False):
        if dedup_key:
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(**fields)
            except IntegrityError:  # already queued: a retried change notices nothing twice
                return None
        else:
            notification = Notification.objects.create(**fields)
        for name, content, content_type in attachments:
            attachment = NotificationAttachment(
                notification=notification, name=name, content_type=content_type
            )
            files.save(attachment.file, name, ContentFile(content))
        for name, maker, content_type in documents:  # (name, maker key, type): made at delivery
            if maker not in ATTACHMENT_MAKERS:
                raise LookupError(f"no attachment maker {maker!r}")
            NotificationAttachment.objects.create(
                notification=notification, name=name, content_type=content_type, maker=maker
            )
        schedule_delivery([notification.pk])
    return notification


@dataclass(frozen=True)
class Notice:
    """One notice to queue with `queue_notifications`: rendered, with no dedup key."""

    kind: str
    rendered: Rendered
    recipient_id: int | None = None
    email: str = ""
    language: str = "fr"
    related: models.Model | None = None
    attachments: Sequence[tuple[str, bytes, str]] = ()
    documents: Sequence[tuple[str, str, str]] = ()


def queue_notifications(notices: Sequence[Notice]) -> list[Notification]:
    """`queue_notification` for several rendered notices at once: one insert for the rows,
    one for their files, in the caller's transaction; delivered after commit."""
    notices = [n for n in notices if n.email or n.recipient_id is not None]
    for notice in notices:
        for _name, maker, _type in notice.documents:
            if maker not in ATTACHMENT_MAKERS:
                raise LookupError(f"no attachment maker {maker!r}")
    rows = []
    for notice in notices:
        related_id = notice.related.pk if notice.related is not None else None
        label = related_label(notice.related)
        rendered = notice.rendered
        rows.append(
            Notification(
                recipient_id=notice.recipient_id,
                recipient_email=notice.email,
                language=notice.language,
                kind=notice.kind,
                subject=rendered.subject[:300],
                text_body=rendered.text,
                html_body=rendered.html
                or html_from_text(rendered.text, notice.language, rendered.subject),
                related_type=label,
                related_id=related_id,
                dedup_key=f"{notice.kind}:{label}:{related_id}:{uuid.uuid4().hex}",
            )
        )
    if not rows:
        return []
    with files.atomic(savepoint=False):  # the stored files go if the caller rolls back
        Notification.objects.bulk_create(rows)
        attached = []
        for row, notice in zip(rows, notices, strict=True):
            for name, content, content_type in notice.attachments:
                attachment = NotificationAttachment(
                    notification=row, name=name, content_type=content_type
                )
                files.save(attachment.file, name, ContentFile(content), save=False)
                attached.append(attachment)
            attached += [
                NotificationAttachment(
                    notification=row, name=name, content_type=content_type, maker=maker
                )
                for name, maker, content_type in notice.documents
            ]
        NotificationAttachment.objects.bulk_create(attached)
        schedule_delivery([row.pk for row in rows])
    return rows


class _Batch:
    """The notices queued in one transaction: published as one message after its commit."""

    def __init__(self, savepoints: list[str]) -> None:
        self.pks: list[int] = []
        self.savepoints = savepoints
        self.flushed = False

    def flush(self) -> None:
        self.flushed = True
        enqueue(self.pks)


def queue_webhook_event(
    body_id: int,
    event: str,
    payload: Mapping[str, Any],
    *,
    related: models.Model | None = None,
) -> list[Notification]:
    """One outbox row per endpoint of the body that wants `event`, in the caller's transaction."""
    endpoints = webhooks.endpoints_for(body_id, event)
    if not endpoints:
        return []
    body = webhooks.payload_json({"event": event, "occurred_at": timezone.now(), **payload})
    rows = [
        Notification.objects.create(
            kind=webhooks.kind_for(event),
            webhook=endpoint,
            subject=event,
            text_body=body,
            language="en",  # the payload is JSON, in no language
            related_type=related_label(related),
            related_id=related.pk if related is not None else None,
            # Unique per row; `X-ATI-Delivery` (the row's id) is the receiver's key.
            dedup_key=f"webhook:{event}:{endpoint.pk}:{uuid.uuid4().hex}",
        )
        for endpoint in endpoints
    ]
    schedule_delivery([row.pk for row in rows])
    return rows


def schedule_delivery(pks: Iterable[int]) -> None:
    """After commit, ask a worker to deliver these rows now (best effort).

    A submission queues three or more notices; one broker message for all of them
    instead of one each (a publish is the dearest step after the commit).
    """
    pks = list(pks)
    if not pks:
        return
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        enqueue(pks)
        return
    batch = getattr(conn, "_ati_outbox_batch", None)
    # A batch serves the atomic block that opened it while its flush still waits for
    # the commit: a rollback (of the transaction or of that savepoint) drops the flush,
    # and a notice queued at another level of nesting starts a batch of its own.
    if (
        batch is None
        or batch.flushed
        or batch.savepoints != conn.savepoint_ids
        or not any(hook[1] == batch.flush for hook in conn.run_on_commit)
    ):
        batch = _Batch(list(conn.savepoint_ids))
        conn._ati_outbox_batch = batch
        transaction.on_commit(batch.flush)
    batch.pks.extend(pks)


def enqueue(pks: list[int]) -> None:
    if not pks:
        return
    # The task by its name: ati/notifications/tasks.py imports this module (the app's
    # ready() imports it, so the task is registered in every process).
    deliver_many = current_app.tasks["notifications.deliver_many"]
    try:
        # No publishing retries: a broker that is down must not hold up the
        # request that caused the notice. deliver_pending will send it.
        deliver_many.apply_async((pks,), retry=False)
    except Exception as exc:  # broker down: the rows stay queued
        log.warning("broker unavailable, notifications %s stay queued: %s", pks, exc)


# --- delivery ------------------------------------------------------------------------------
def claimable(now: dt.datetime) -> Q:
    return Q(status__in=[Status.QUEUED, Status.FAILED], next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_until__lt=now
    )


def claim(pk: int, now: dt.datetime | None = None) -> bool:
    """Take a row for one attempt; False when another worker has it or it is not due."""
    now = now or timezone.now()
    return bool(
        Notification.objects.filter(claimable(now), pk=pk).update(
            status=Status.SENDING,
            claimed_until=now + dt.timedelta(seconds=claim_seconds()),
            attempts=F("attempts") + 1,
        )
    )


def ensure_rendered(notification: Notification) -> bool:
    """Render a notice queued without content; False when it no longer applies."""
    if notification.is_rendered:
        return True
    render = RENDERERS.get(notification.kind)
    if render is None:
        raise LookupError(f"no renderer for notifications of kind {notification.kind!r}")
    with translation.override(notification.language):
        rendered = render(notification)
    if rendered is None:
        return False
    notification.subject = rendered.subject[:300]
    notification.text_body = rendered.text
    # A webhook's text is its JSON payload: no HTML alternative.
    if webhooks.is_webhook(notification):
        notification.html_body = ""
    else:
        notification.html_body = rendered.html or html_from_text(
            rendered.text, notification.language, rendered.subject
        )
    Notification.objects.filter(pk=notification.pk).update(
        subject=notification.subject,
        text_body=notification.text_body,
        html_body=notification.html_body,
    )
    return True


def message_id(notification: Notification) -> str:
    """One Message-ID per outbox row, the same at every attempt.

    A worker killed after the mail server accepted a message but before the row
    was marked sent sends it again once the claim expires (docs/jobs.md): the
    second copy carries the same Message-ID, which mail stores and clients use
    to show it once.
    """
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "ati.localhost"
    return f"<notification-{notification.pk}@{domain}>"


def send_email(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        notification.subject,
        notification.text_body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient_email],
        headers={"Message-ID": message_id(notification)},
    )
    message.attach_alternative(notification.html_body, "text/html")
    for attachment in notification.attachments.all():
        if not attachment.file:
            content = ATTACHMENT_MAKERS[attachment.maker](notification)
            files.save(attachment.file, attachment.name, ContentFile(content))
        with attachment.file.open("rb") as handle:
            message.attach(attachment.name, handle.read(), attachment.content_type)
    message.send()


def deliver_notification(pk: int) -> str:
    """One attempt at one row. Returns the row's status afterwards ("" if not ours)."""
    if not claim(pk):
        return ""
    notification = Notification.objects.select_related("recipient", "webhook").get(pk=pk)
    now = timezone.now()
    webhook = webhooks.is_webhook(notification)
    try:
        if webhook and (notification.webhook is None or not notification.webhook.is_active):
            # Its endpoint was deleted or switched off since: nobody to send it to.
            Notification.objects.filter(pk=pk).update(status=Status.CANCELLED, claimed_until=None)
            return Status.CANCELLED
        if not ensure_rendered(notification):
            # The key is freed (kept, suffixed, for the record): a notice about the same
            # deadline may be queued again if that deadline comes back (a holiday moved
            # and moved back), since this one was never sent.
            Notification.objects.filter(pk=pk).update(
                status=Status.CANCELLED,
                claimed_until=None,
                dedup_key=Concat(F("dedup_key"), Value(f":cancelled:{pk}")),
            )
            return Status.CANCELLED
        if webhook:
            webhooks.send(notification)
        elif notification.recipient_email:
            send_email(notification)
    except Exception as exc:
        attempts = notification.attempts
        retry_at = now + backoff(attempts) if attempts < max_attempts() else None
        log.warning("notification %s failed (attempt %s): %s", pk, attempts, exc)
        Notification.objects.filter(pk=pk).update(
            status=Status.FAILED,
            claimed_until=None,
            next_attempt_at=retry_at,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return Status.FAILED
    Notification.objects.filter(pk=pk).update(
        status=Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return Status.SENT


def deliver_pending(limit: int = 500) -> dict[str, int]:
    """Deliver every row whose (next) attempt is due: the safety net behind the broker."""
    now = timezone.now()
    pks = list(
        Notification.objects.filter(claimable(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in pks:
        status = deliver_notification(pk)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


# --- operations -----------------------------------------------------------------------------
def retry_notifications(actor: Any, pks: Iterable[int]) -> int:
    """An administrator sends failed (or stuck) notices again, from the first attempt."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied(_("Only an administrator can retry notifications."))
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(pks), status__in=[Status.FAILED, Status.QUEUED])
            .only("pk", "status", "attempts", "last_error", "kind")
        )
        ids = [row.pk for row in rows]
        Notification.objects.filter(pk__in=ids).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
        )
        record_many(
            [
                {
                    "action": "notification.retried",
                    "obj": row,
                    # Not the last error: a mail server's error names the address.
                    "before": {"status": row.status, "attempts": row.attempts},
                    "after": {"status": Status.QUEUED, "attempts": 0},
                }
                for row in rows
            ],
            actor=actor,
        )
        schedule_delivery(ids)
    return len(ids)


def mark_read(user: Any, pks: Iterable[int] | None = None) -> int:
    """Mark the user's own inbox items read (all of them when ``pks`` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return qs.update(read_at=timezone.now())


class job_run:
    """Record the start, end and result of a periodic job in JobRun."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.result = ""

    def __enter__(self) -> job_run:
        JobRun.objects.get_or_create(name=self.name)
        JobRun.objects.filter(name=self.name).update(last_started_at=timezone.now())
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        JobRun.objects.filter(name=self.name).update(
            last_finished_at=timezone.now(),
            last_ok=exc is None,
            last_result=(self.result if exc is None else f"{type(exc).__name__}: {exc}")[:300],
            runs=F("runs") + 1,
        )
