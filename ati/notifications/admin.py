"""The outbox for administrators: read-only, filtered by status, with a retry action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import JobRun, Notification, NotificationAttachment, Status


class AttachmentInline(admin.TabularInline[NotificationAttachment, Notification]):
    model = NotificationAttachment
    extra = 0
    fields = ("name", "content_type", "file")
    readonly_fields = ("name", "content_type", "file")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = [
        "pk",
        "kind",
        "recipient_email",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "kind", "language"]
    search_fields = ["recipient_email", "dedup_key", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    inlines = [AttachmentInline]
    actions = ["retry"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send again (failed or queued notices)"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        pks = list(
            queryset.filter(status__in=[Status.FAILED, Status.QUEUED]).values_list("pk", flat=True)
        )
        count = services.retry_notifications(request.user, pks)
        self.message_user(
            request,
            ngettext("%(n)d notice queued again.", "%(n)d notices queued again.", count)
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin[JobRun]):
    list_display = ["name", "last_started_at", "last_finished_at", "last_ok", "last_result", "runs"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
