"""Reads for the in-app inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification, Status

#: What the inbox shows: every notice addressed to the account, except cancelled ones.
INBOX_STATUSES = (Status.QUEUED, Status.SENDING, Status.SENT, Status.FAILED)


def inbox(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, status__in=INBOX_STATUSES).only(
        "pk",
        "kind",
        "subject",
        "text_body",
        "created_at",
        "read_at",
        "related_type",
        "related_id",
        "status",
        "language",
        "due_on",
        "days_before",
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user).filter(read_at__isnull=True).count()
