"""Notices about a request, written to the outbox (ati.notifications).

One function per event; each writes one outbox row per recipient, rendered
now in the recipient's language (e-mail text and HTML, and the in-app inbox
item), and the worker delivers it after commit, with retries. The applicant's
letters go with their e-mail, in the applicant's language: the answer letter is
stored with the row as it is now; the receipt, extension and transfer letters are
made by the worker at delivery (`attachment_maker`), then stored the same way, so
a retry sends the same document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ati.accounts.models import Role
from ati.notifications.models import Notification
from ati.notifications.services import (
    Notice,
    Rendered,
    attachment_maker,
    queue_notifications,
    render_template,
)

from .models import InformationRequest, Message


@dataclass(frozen=True)
class _To:
    user_id: int | None
    email: str
    language: str


def _send(
    to: list[_To],
    kind: str,
    subject: Any,
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, bytes, str]] | None = None,
    documents: list[tuple[str, str, str]] | None = None,
) -> None:
    queue_notifications(_render(to, kind, subject, template, context, attachments, documents))


def _render(
    to: list[_To],
    kind: str,
    subject: Any,
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, bytes, str]] | None = None,
    documents: list[tuple[str, str, str]] | None = None,
) -> list[Notice]:
    req = context.get("req")
    if req is not None:
        context = {"site_url": f"{settings.ATI_SITE_URL}/requests/{req.reference}/", **context}
    # The same notice for everyone who reads one language: rendered once per language.
    by_language: dict[str, Rendered] = {}
    notices = []
    for person in to:
        rendered = by_language.get(person.language)
        if rendered is None:
            with translation.override(person.language):
                text = (
                    str(subject % {"reference": req.reference}) if req is not None else str(subject)
                )
            rendered = render_template(
                f"requests/email/{template}.txt", context, person.language, text
            )
            by_language[person.language] = rendered
        notices.append(
            Notice(
                f"request.{kind}",
                rendered,
                recipient_id=person.user_id,
                email=person.email,
                language=person.language,
                related=req,
                attachments=attachments or (),
                documents=documents or (),
            )
        )
    return notices


def _applicant(req: InformationRequest) -> list[_To]:
    return [_To(req.applicant_id, req.applicant_email, req.language)]


def _to_applicant(
    req: InformationRequest,
    template: str,
    subject: Any,
    attachments: list[tuple[str, bytes, str]] | None = None,
    documents: list[tuple[str, str, str]] | None = None,
    **extra: Any,
) -> None:
    _send(
        _applicant(req), template, subject, template, {"req": req, **extra}, attachments, documents
    )


def _people(memberships: Any) -> list[_To]:
    rows = (
        memberships.filter(user__is_active=True)
        .values_list("user_id", "user__email", "user__preferred_language")
        .distinct()
    )
    return [_To(user_id, email, language or "fr") for user_id, email, language in rows]


def _officers(req: InformationRequest) -> list[_To]:
    people = _people(req.body.memberships.filter(role=Role.OFFICER))
    return people or ([_To(None, req.body.email, "fr")] if req.body.email else [])


def _to_officers(req: InformationRequest, template: str, subject: Any, **extra: Any) -> None:
    _send(_officers(req), template, subject, template, {"req": req, **extra})


def _related(notification: Notification) -> InformationRequest:
    return InformationRequest.objects.select_related("body", "profile_version__calendar").get(
        pk=notification.related_id
    )


@attachment_maker("requests.receipt")
def _receipt(notification: Notification) -> bytes:
    # The receipt depends only on what the request held when it was received
    # (identity, dates, profile version), so making it at delivery gives the
    # same document, without rendering a PDF inside the submission.
    from .letters import receipt_pdf

    return receipt_pdf(_related(notification))


# The extension and transfer letters are made at delivery too, out of the officer's
# transaction: what they state (the due date in force and its reason, the body and
# reference the request went to) is set by the change that sends them. Made once, the
# file is kept with the notice: a retry sends the same document.
@attachment_maker("requests.extension_letter")
def _extension_letter(notification: Notification) -> bytes:
    from .letters import extension_pdf

    return extension_pdf(_related(notification))


@attachment_maker("requests.transfer_letter")
def _transfer_letter(notification: Notification) -> bytes:
    from .letters import transfer_pdf

    return transfer_pdf(_related(notification))


def _letter(name: str, maker: str) -> list[tuple[str, str, str]]:
    return [(name, maker, "application/pdf")]


def request_submitted(req: InformationRequest) -> None:
    from .letters import receipt_filename

    # The applicant's receipt and the officers' notice in one insert.
    ctx = {"req": req}
    receipt = _letter(receipt_filename(req), "requests.receipt")
    subject = _("Receipt of your request %(reference)s")
    notices = _render(_applicant(req), "submitted", subject, "submitted", ctx, documents=receipt)
    subject = _("New information request %(reference)s")
    notices += _render(_officers(req), "new_request", subject, "new_request", ctx)
    queue_notifications(notices)


def request_assigned(req: InformationRequest) -> None:
    people = _people(req.department.memberships.all()) if req.department else []
    if req.assignee is not None:
        people = [_To(req.assignee.pk, req.assignee.email, req.assignee.preferred_language)]
    _send(
        people,
        "assigned",
        _("Request %(reference)s assigned to your department"),
        "assigned",
        {"req": req},
    )


def clarification_requested(req: InformationRequest) -> None:
    _to_applicant(
        req, "clarification_requested", _("Your request %(reference)s: a clarification is needed")
    )


def clarification_provided(req: InformationRequest) -> None:
    _to_officers(
        req, "clarification_provided", _("Request %(reference)s: the applicant has clarified")
    )


def request_extended(req: InformationRequest) -> None:
    from .letters import extension_filename

    _to_applicant(
        req,
        "extended",
        _("Your request %(reference)s: the deadline is extended"),
        documents=_letter(extension_filename(req), "requests.extension_letter"),
    )


def request_transferred(old: InformationRequest, new: InformationRequest) -> None:
    from .letters import transfer_filename

    _to_applicant(
        old,
        "transferred",
        _("Your request %(reference)s has been transferred"),
        documents=_letter(transfer_filename(old), "requests.transfer_letter"),
        new=new,
    )
    _to_officers(new, "new_request", _("New information request %(reference)s"))


def draft_submitted(req: InformationRequest) -> None:
    _to_officers(req, "draft_submitted", _("Request %(reference)s: a draft answer is ready"))


def request_answered(req: InformationRequest) -> None:
    from .letters import answer_filename, answer_pdf

    _to_applicant(
        req,
        "answered",
        _("Answer to your request %(reference)s"),
        attachments=[(answer_filename(req), answer_pdf(req), "application/pdf")],
    )


def request_withdrawn(req: InformationRequest) -> None:
    _to_officers(req, "withdrawn", _("Request %(reference)s withdrawn by the applicant"))


def message_posted(message: Message) -> None:
    req = message.request
    if message.direction == "to_applicant":
        _to_applicant(
            req, "message", _("New message about your request %(reference)s"), message=message
        )
    elif message.direction == "from_applicant":
        _to_officers(
            req,
            "message",
            _("Request %(reference)s: new message from the applicant"),
            message=message,
        )
