from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ErasureRequest


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin[ErasureRequest]):
    """Read-only: erasures are asked by applicants and carried out by the retention job."""

    list_display = ["id", "user_id", "state", "requested_at", "not_before", "done_at"]
    list_filter = ["state"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
