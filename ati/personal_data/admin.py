from __future__ import annotations

from django.contrib import admin

from ati.requests.admin import ReadOnlyAdmin

from .models import ErasureRequest


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    """Read-only: erasures are asked by applicants and carried out by the retention job."""

    list_display = ["id", "user_id", "state", "requested_at", "not_before", "done_at"]
    list_filter = ["state"]
