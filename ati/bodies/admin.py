from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ati.audit.admin_mixins import AuditedAdminMixin

from .models import Department, Membership, PublicBody


class DepartmentInline(admin.TabularInline[Department, PublicBody]):
    model = Department
    extra = 0
    fields = ["code", "name_fr", "name_ar", "name_en", "is_active"]


@admin.register(PublicBody)
class PublicBodyAdmin(AuditedAdminMixin, admin.ModelAdmin[PublicBody]):
    list_display = ["code", "name_fr", "name_ar", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_fr", "name_ar", "name_en"]
    autocomplete_fields = ["parent"]
    inlines = [DepartmentInline]
    fieldsets = [
        (None, {"fields": ["code", "name_fr", "name_ar", "name_en", "kind", "parent"]}),
        (_("Contact"), {"fields": ["email", "website", "address"]}),
        (
            _("Who signs its letters"),
            {
                "fields": [
                    "signatory_name",
                    "signatory_title_fr",
                    "signatory_title_ar",
                    "signatory_title_en",
                ]
            },
        ),
        (None, {"fields": ["legal_profile", "is_active"]}),
    ]


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin[Department]):
    list_display = ["code", "name_fr", "body", "is_active"]
    list_filter = ["body", "is_active"]
    search_fields = ["code", "name_fr", "name_ar", "name_en", "body__name_fr"]
    autocomplete_fields = ["body"]
    list_select_related = ["body"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin[Membership]):
    list_display = ["user", "role", "body", "department"]
    list_filter = ["role", "body"]
    search_fields = ["user__email", "user__full_name", "body__name_fr", "department__name_fr"]
    autocomplete_fields = ["user", "body", "department"]
    list_select_related = ["user", "body", "department"]
