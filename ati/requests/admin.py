"""Administrators see requests read-only: every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Attachment, InformationRequest, Message


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InformationRequest)
class InformationRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "subject", "body", "state", "outcome", "response_due", "urgent"]
    list_filter = ["state", "outcome", "urgent", "channel", "body"]
    search_fields = ["reference", "subject"]
    date_hierarchy = "received_on"
    list_select_related = ["body"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["request", "direction", "created_at"]
    list_select_related = ["request"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "request", "kind", "content_type", "size"]
    list_select_related = ["request"]
