"""The outbox: every notice, e-mail and in-app inbox item, is one row here.

A row is written in the same transaction as the change that causes it, then
delivered by a Celery task after commit (and, whatever happens to the broker or
the mail server, by the periodic `deliver_pending` task later). The row is also
the recipient's inbox item, so the inbox shows exactly what was sent.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled (no longer relevant)")


class WebhookEvent(models.TextChoices):
    """What a body's own system may be told of (docs/api.md, "Webhooks")."""

    REQUEST_SUBMITTED = "request.submitted", _("A request is received")
    REQUEST_STATE_CHANGED = "request.state_changed", _("A request changes state")
    REQUEST_DUE_SOON = "request.due_soon", _("A request's answer is due soon")


def all_webhook_events() -> list[str]:
    return list(WebhookEvent.values)


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A body's own case-management system, told of its requests' events by signed POSTs.

    The events go through the outbox like e-mails (written in the transaction of the
    change, delivered after commit, retried with backoff); each POST is signed with
    the endpoint's secret (HMAC-SHA256 of the timestamp and the body).
    """

    body = models.ForeignKey(
        "bodies.PublicBody",
        verbose_name=_("public body"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(
        _("address"),
        max_length=500,
        # Not ftp:, which URLField takes too: urllib would open it.
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where the events are POSTed as JSON (HTTPS outside a test setup)."),
    )
    events = models.JSONField(
        _("events"),
        default=all_webhook_events,
        help_text=_("The events sent to this address."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_webhook_secret,
        help_text=_("Shared with the receiving system, which checks the X-ATI-Signature header."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    # The audit log is kept for good: it never holds the secret.
    audit_private_fields = ("secret",)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["body", "pk"]

    def __str__(self) -> str:
        return f"{self.url} ({self.body_id})"

    def wants(self, event: str) -> bool:
        return self.is_active and event in (self.events or [])


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    recipient_email = models.EmailField(_("recipient's e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    # Empty until rendered: notices queued in bulk by the deadline sweep are
    # rendered by the worker, in the recipient's language, when delivered.
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text_body = models.TextField(_("text"), blank=True)
    html_body = models.TextField(_("HTML"), blank=True)
    # A webhook event (kind "webhook.<event>"): POSTed to this endpoint, not e-mailed; its
    # JSON payload is `text_body`. Null once the endpoint is deleted: then it is cancelled.
    webhook = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook endpoint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    related_type = models.CharField(_("about (type)"), max_length=100, blank=True)
    related_id = models.BigIntegerField(_("about (id)"), null=True, blank=True)
    # The deadline a sweep notice is about, and how many working days before it.
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    days_before = models.PositiveSmallIntegerField(_("working days before"), null=True, blank=True)
    # What makes a notice unique: a second sweep, or a retried change, inserts nothing.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, default=timezone.now
    )
    # A worker that claims a row owns it until then; a crashed worker's claim expires.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # deliver_pending: what is due for a (new) attempt.
            models.Index(fields=["status", "next_attempt_at"], name="notification_pending_idx"),
            # The sweep's anti-join: has this deadline already been noticed?
            models.Index(
                fields=["related_type", "related_id", "kind"], name="notification_related_idx"
            ),
            models.Index(
                fields=["recipient", "read_at"],
                name="notification_inbox_idx",
                condition=Q(recipient__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_email or self.recipient_id} ({self.status})"

    @property
    def audit_label(self) -> str:
        # Without the address: the audit log outlives the recipient's personal data.
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_rendered(self) -> bool:
        return bool(self.subject)


class WebhookDelivery(models.Model):
    """One attempt at POSTing a webhook event: what was answered, or what went wrong."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook endpoint"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    url = models.URLField(_("address"), max_length=500)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    ok = models.BooleanField(_("delivered"), default=False)
    error = models.TextField(_("error"), blank=True)
    response_excerpt = models.CharField(_("answer (start)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook delivery attempt")
        verbose_name_plural = _("webhook delivery attempts")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.notification_id} attempt {self.attempt}: {self.status_code or self.error}"


def attachment_path(instance: NotificationAttachment, filename: str) -> str:
    return f"notifications/{instance.notification_id}/{filename}"


class NotificationAttachment(models.Model):
    """A file sent with a notice, stored as it was when the notice was queued.

    The receipt and the answer letter are legal documents as at the event that
    caused them: a retry sends the same bytes, even if the request changed since.
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    file = models.FileField(upload_to=attachment_path, max_length=300, blank=True)
    # A document made by the worker at the first delivery attempt (then kept, so a
    # retry sends the same bytes), for documents fixed at the event but costly to
    # render in the web request, such as the receipt. See services.ATTACHMENT_MAKERS.
    maker = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class JobRun(models.Model):
    """When each periodic job last ran and what it did (for `jobs_status`)."""

    name = models.CharField(max_length=64, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(default=True)
    last_result = models.CharField(max_length=300, blank=True)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return self.name
