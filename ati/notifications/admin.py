"""The outbox for administrators: read-only, filtered by status, with a retry action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ati.audit.admin_mixins import AuditedAdminMixin

from . import services
from .models import (
    JobRun,
    Notification,
    NotificationAttachment,
    Status,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    new_webhook_secret,
)


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
        "webhook",
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
    list_select_related = ["recipient", "webhook"]
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


class WebhookEndpointForm(forms.ModelForm[WebhookEndpoint]):
    url = forms.URLField(
        label=_("address"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["body", "url", "events", "is_active", "description"]


class WebhookDeliveryInline(admin.TabularInline[WebhookDelivery, WebhookEndpoint]):
    model = WebhookDelivery
    fk_name = "endpoint"
    extra = 0
    fields = ("started_at", "notification", "attempt", "status_code", "ok", "error", "duration_ms")
    readonly_fields = fields
    can_delete = False
    ordering = ["-started_at", "-pk"]
    max_num = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdminMixin, admin.ModelAdmin[WebhookEndpoint]):
    """A body's own system, told of its requests' events (docs/api.md, "Webhooks")."""

    form = WebhookEndpointForm
    list_display = ["body", "url", "events", "is_active", "created_at"]
    list_filter = ["is_active", "body"]
    search_fields = ["url", "body__code", "description"]
    list_select_related = ["body"]
    readonly_fields = ["secret", "created_at"]
    inlines = [WebhookDeliveryInline]
    actions = ["new_secret"]

    @admin.action(description=_("Give a new signing secret"))
    def new_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            endpoint.secret = new_webhook_secret()
            self.save_model(request, endpoint, None, change=True)
        self.message_user(
            request,
            _("New secrets given: give them to the receiving systems."),
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    """Every attempt at POSTing a webhook event: read-only."""

    list_display = ["started_at", "endpoint", "notification", "attempt", "status_code", "ok"]
    list_filter = ["ok", "endpoint__body"]
    list_select_related = ["endpoint", "notification"]
    date_hierarchy = "started_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
