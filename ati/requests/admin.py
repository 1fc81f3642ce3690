"""Administrators see requests read-only: every change goes through the services.

And not all of it (Law 09-08, issue 17): an administrator is not among those who
handle a request, so the applicant's identity is masked here as on the request page,
and an internal note's text is hidden as from the commission. Whoever must read them
for the database's sake does it outside the site (docs/security.md, "The Django admin").
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Attachment, Direction, InformationRequest, Message

#: The applicant's identity (Law 09-08): never shown by the admin, in lists or change views.
IDENTITY_FIELDS = ("applicant", "applicant_id_kind", *InformationRequest.IDENTITY_FIELDS)
MASKED = _("masked (personal data, Law 09-08)")


def _person(user: Any) -> str:
    """A citizen by number only (as the audit log names them); staff in full."""
    return "" if user is None else user.audit_label


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
    search_fields = ["reference", "subject"]  # never the identity fields
    date_hierarchy = "received_on"
    list_select_related = ["body"]
    exclude = IDENTITY_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        shown = super().get_readonly_fields(request, obj)
        return ["applicant_identity"] + [n for n in shown if n not in IDENTITY_FIELDS]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("applicant"))
    def applicant_identity(self, obj: InformationRequest) -> str:
        return str(MASKED)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["request", "direction", "created_at"]
    list_select_related = ["request"]
    exclude = ["text", "author"]  # shown read-only below, or not at all

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_readonly_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [
            ("author_label" if n == "author" else n)
            for n in super().get_readonly_fields(request, obj)
        ]
        if obj is not None and obj.direction == Direction.INTERNAL:
            return [("text_hidden" if n == "text" else n) for n in fields]
        return fields

    @admin.display(description=_("author"))
    def author_label(self, obj: Message) -> str:
        return _person(obj.author)

    @admin.display(description=_("message"))
    def text_hidden(self, obj: Message) -> str:
        return str(_("hidden (an internal note of the body)"))


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "request", "kind", "content_type", "size"]
    list_select_related = ["request"]
    exclude = ["uploaded_by"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_readonly_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = super().get_readonly_fields(request, obj)
        return [("uploaded_by_label" if n == "uploaded_by" else n) for n in names]

    @admin.display(description=_("uploaded by"))
    def uploaded_by_label(self, obj: Attachment) -> str:
        return _person(obj.uploaded_by)
