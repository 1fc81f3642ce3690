"""Admin for profiles, grounds, calendars and holidays.

Holidays change open deadlines, so their admin never writes directly: every
add, change, confirmation or removal goes through ati.law.services (permission,
audit, stamp, recompute). Profiles and grounds are audited by the mixin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ati.audit.admin_mixins import AuditedAdminMixin
from ati.audit.services import record, snapshot

from . import services
from .models import (
    Calendar,
    ExceptionGround,
    Holiday,
    HolidayStatus,
    LegalProfile,
    LegalProfileVersion,
)


class AuditedInlinesMixin:
    """One audit event per inline row saved (the mixin covers the parent object)."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            for obj in formset.new_objects + [o for o, _ in formset.changed_objects]:
                record(
                    f"{obj._meta.model_name}.saved",
                    actor=request.user,
                    obj=obj,
                    after=snapshot(obj),
                    reason="admin",
                )


class LegalProfileVersionInline(admin.TabularInline[LegalProfileVersion, LegalProfile]):
    model = LegalProfileVersion
    extra = 0
    fields = ["version", "valid_from", "calendar", "response_amount", "response_unit"]
    show_change_link = True


@admin.register(LegalProfile)
class LegalProfileAdmin(AuditedInlinesMixin, AuditedAdminMixin, admin.ModelAdmin[LegalProfile]):
    list_display = ["code", "name_fr", "is_default"]
    search_fields = ["code", "name_fr", "name_ar", "name_en"]
    inlines = [LegalProfileVersionInline]


class ExceptionGroundInline(admin.TabularInline[ExceptionGround, LegalProfileVersion]):
    model = ExceptionGround
    extra = 0
    fields = [
        "position",
        "code",
        "article",
        "kind",
        "label_fr",
        "label_ar",
        "label_en",
        "to_confirm",
    ]


def _period_fieldset(name: str, title: Any) -> Any:
    return (title, {"fields": [(f"{name}_amount", f"{name}_unit")]})


@admin.register(LegalProfileVersion)
class LegalProfileVersionAdmin(
    AuditedInlinesMixin, AuditedAdminMixin, admin.ModelAdmin[LegalProfileVersion]
):
    list_display = ["profile", "version", "valid_from", "calendar", "max_extensions"]
    list_filter = ["profile"]
    list_select_related = ["profile", "calendar"]
    inlines = [ExceptionGroundInline]
    fieldsets = [
        (None, {"fields": ["profile", "version", "valid_from", "calendar", "notes"]}),
        _period_fieldset("response", _("Response")),
        (_("Extension"), {"fields": [("extension_amount", "extension_unit"), "max_extensions"]}),
        _period_fieldset("urgent_response", _("Urgent response")),
        _period_fieldset("urgent_extension", _("Urgent extension")),
        _period_fieldset("complaint_window", _("Complaint to the head of the body")),
        _period_fieldset("head_decision", _("Head's answer")),
        _period_fieldset("commission_window", _("Complaint to the commission")),
        _period_fieldset("commission_decision", _("Commission's decision")),
        _period_fieldset("court_window", _("Appeal to the court")),
        (_("Clarification"), {"fields": ["clarification_mode"]}),
    ]


@admin.register(ExceptionGround)
class ExceptionGroundAdmin(AuditedAdminMixin, admin.ModelAdmin[ExceptionGround]):
    list_display = ["code", "article", "kind", "label_fr", "version"]
    list_filter = ["version__profile", "kind"]
    search_fields = ["code", "label_fr", "label_ar", "label_en"]
    list_select_related = ["version__profile"]


@admin.register(Calendar)
class CalendarAdmin(AuditedAdminMixin, admin.ModelAdmin[Calendar]):
    list_display = ["code", "name_fr", "weekend", "stamp", "updated_at"]
    readonly_fields = ["stamp", "updated_at"]
    actions = ["propose_next_year"]

    @admin.action(description=_("Propose the Islamic holidays of next year"))
    def propose_next_year(self, request: HttpRequest, queryset: QuerySet[Calendar]) -> None:
        year = timezone.localdate().year + 1
        for calendar in queryset:
            added, changed = services.propose_islamic_holidays(request.user, calendar, year)
            self.message_user(
                request,
                _("%(calendar)s: %(added)d holidays proposed, %(changed)d due dates changed.")
                % {"calendar": calendar, "added": len(added), "changed": changed},
            )


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin[Holiday]):
    list_display = ["date", "label_fr", "label_ar", "kind", "status", "calendar"]
    list_filter = ["calendar", "kind", "status", ("date", admin.DateFieldListFilter)]
    search_fields = ["label_fr", "label_ar", "label_en", "key"]
    date_hierarchy = "date"
    list_select_related = ["calendar"]
    fields = ["calendar", "date", "label_fr", "label_ar", "label_en", "kind", "status", "key"]
    readonly_fields = ["key"]
    actions = ["confirm", "remove"]

    def get_readonly_fields(self, request: HttpRequest, obj: Holiday | None = None) -> Any:
        return ["key", "calendar"] if obj is not None else ["key"]

    def has_delete_permission(self, request: HttpRequest, obj: Holiday | None = None) -> bool:
        # A holiday is cancelled (status), never deleted: see services.remove_holiday.
        return False

    def save_model(self, request: HttpRequest, obj: Holiday, form: Any, change: bool) -> None:
        if change:
            changed = services.update_holiday(request.user, obj, reason="admin")
        else:
            holiday, changed = services.add_closure(
                request.user,
                obj.calendar,
                obj.date,
                label_fr=obj.label_fr,
                label_ar=obj.label_ar,
                label_en=obj.label_en,
                kind=obj.kind,
                reason="admin",
            )
            obj.pk, obj.key, obj.status = holiday.pk, holiday.key, holiday.status
        self._report(request, changed)

    def _report(self, request: HttpRequest, changed: int) -> None:
        self.message_user(
            request,
            ngettext("%(n)d open due date recomputed.", "%(n)d open due dates recomputed.", changed)
            % {"n": changed},
        )

    @admin.action(description=_("Confirm the selected holidays"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> None:
        changed = 0
        for holiday in queryset.filter(status=HolidayStatus.PROPOSED):
            changed += services.confirm_holiday(request.user, holiday, reason="admin action")
        self._report(request, changed)

    @admin.action(description=_("Cancel the selected holidays (they stop counting)"))
    def remove(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> None:
        changed = 0
        for holiday in queryset.exclude(status=HolidayStatus.CANCELLED):
            changed += services.remove_holiday(request.user, holiday, reason="admin action")
        self._report(request, changed)
        messages.info(request, _("Cancelled holidays stay listed with the status “cancelled”."))
