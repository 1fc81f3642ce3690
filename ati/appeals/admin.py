"""Administrators see complaints and appeals read-only: every change goes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ati.audit.admin_mixins import AuditedAdminMixin
from ati.requests.admin import ReadOnlyAdmin

from .models import Appeal, Commission, Complaint


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["request", "ground", "state", "filed_on", "decision_due"]
    list_filter = ["state", "ground"]
    search_fields = ["request__reference"]
    list_select_related = ["request"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = [
        "request",
        "decision_number",
        "ground",
        "state",
        "decision",
        "decision_due",
        "compliance_due",
    ]
    list_filter = ["state", "decision", "ground"]
    search_fields = ["request__reference", "decision_number"]
    list_select_related = ["request"]


@admin.register(Commission)
class CommissionAdmin(AuditedAdminMixin, admin.ModelAdmin[Commission]):
    """The commission's letterhead and signatory: one row, edited, never deleted."""

    fieldsets = [
        (None, {"fields": ["name_fr", "name_ar", "name_en"]}),
        (_("Contact"), {"fields": ["address", "email", "website"]}),
        (
            _("Who signs its decisions"),
            {
                "fields": [
                    "signatory_name",
                    "signatory_title_fr",
                    "signatory_title_ar",
                    "signatory_title_en",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Commission.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Commission | None = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One row: the list is its form (the add form, with the defaults, until it exists).
        if not Commission.objects.exists():
            return HttpResponseRedirect(reverse("admin:appeals_commission_add"))
        return HttpResponseRedirect(reverse("admin:appeals_commission_change", args=[1]))
