"""Administrators see requests read-only: every change goes through the services.

And not all of it (Law 09-08, issue 17): an administrator is not among those who
handle a request, so the applicant's identity is masked here as on the request page,
and an internal note's text is hidden as from the commission. Whoever must read them
for the database's sake does it outside the site (docs/security.md, "The Django admin").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ati.accounts import permissions
from ati.audit.services import record

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
        url = reverse("admin:requests_informationrequest_reveal", args=[obj.pk])
        return format_html(
            '{} — <a href="{}">{}</a>', MASKED, url, _("reveal, stating why (audited)")
        )

    def get_urls(self) -> list[Any]:
        reveal = path(
            "<int:pk>/reveal/",
            self.admin_site.admin_view(self.reveal_identity),
            name="requests_informationrequest_reveal",
        )
        return [reveal, *super().get_urls()]

    def reveal_identity(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Break glass: one applicant's identity, for a reason written in the audit log.

        For what the law requires of the administrator (a court order, the CNDP, a
        request for the data of a person). The reason and the administrator are
        recorded; the identity itself is not copied into the log (it outlives it).
        """
        if not permissions.is_administrator(request.user):
            raise PermissionDenied
        obj = get_object_or_404(InformationRequest, pk=pk)
        form = RevealForm(request.POST or None)
        identity = None
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                record(
                    "request.identity_revealed",
                    actor=request.user,
                    obj=obj,
                    reason=form.cleaned_data["reason"],
                )
            identity = [
                (_("first name"), obj.applicant_first_name),
                (_("last name"), obj.applicant_last_name),
                (_("address"), obj.applicant_address),
                (_("identity document"), obj.get_applicant_id_kind_display()),
                (_("document number"), obj.applicant_id_number),
                (_("e-mail address"), obj.applicant_email),
                (_("phone"), obj.applicant_phone),
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": _("Reveal the applicant's identity"),
            "form": form,
            "identity": identity,
        }
        response = TemplateResponse(
            request, "admin/requests/informationrequest/reveal_identity.html", context
        )
        response["Cache-Control"] = "no-store"
        return response


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you need this identity"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "E.g. the court order or the CNDP request, with its reference. "
            "Written in the audit log with your name."
        ),
    )


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
