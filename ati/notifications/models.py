"""The outbox: every notice, e-mail and in-app inbox item, is one row here.

A row is written in the same transaction as the change that causes it, then
delivered by a Celery task after commit (and, whatever happens to the broker or
the mail server, by the periodic `deliver_pending` task later). The row is also
the recipient's inbox item, so the inbox shows exactly what was sent.
"""

from __future__ import annotations

from django.conf import settings
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
