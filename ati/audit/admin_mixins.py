"""Changes made through the Django admin are audited like any other."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from .services import record, snapshot


class AuditedAdminMixin:
    """Wraps admin saves and deletes in a transaction with one audit event each."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change:
                old = type(obj).objects.filter(pk=obj.pk).first()
                before = snapshot(old) if old is not None else None
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            label = obj._meta.model_name
            record(
                f"{label}.{'changed' if change else 'created'}",
                actor=request.user,
                obj=obj,
                before=before,
                after=snapshot(obj),
                reason="admin",
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(
                f"{obj._meta.model_name}.deleted",
                actor=request.user,
                obj=obj,
                before=snapshot(obj),
                reason="admin",
            )
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record(
                    f"{obj._meta.model_name}.deleted",
                    actor=request.user,
                    obj=obj,
                    before=snapshot(obj),
                    reason="admin",
                )
            super().delete_queryset(request, queryset)  # type: ignore[misc]
