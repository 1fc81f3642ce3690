"""Administrators see complaints and appeals read-only: every change goes through services."""

from __future__ import annotations

from django.contrib import admin

from ati.requests.admin import ReadOnlyAdmin

from .models import Appeal, Complaint


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
