"""Notices about a request, sent after the change that causes them has committed.

E-mail in the recipient's language. (The outbox with retries and the in-app
inbox come with the notifications issue; callers will not change.)
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from ati.accounts.models import Role

from .models import InformationRequest, Message

log = logging.getLogger(__name__)


def _send(
    to: list[str],
    language: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    if not to:
        return
    req = context.get("req")
    if req is not None:
        context = {"site_url": f"{settings.ATI_SITE_URL}/requests/{req.reference}/", **context}
    with translation.override(language):
        body = render_to_string(f"requests/email/{template}.txt", context)
        subject = str(subject)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    try:
        message.send()
    except Exception:  # the change is committed; a lost e-mail must not undo it
        log.exception("could not send %s to %s", template, to)


def _to_applicant(
    req: InformationRequest,
    template: str,
    subject: str,
    attachments: list[tuple[str, bytes, str]] | None = None,
    **extra: Any,
) -> None:
    with translation.override(req.language):
        subject = subject % {"reference": req.reference}
    _send(
        [req.applicant_email], req.language, subject, template, {"req": req, **extra}, attachments
    )


def _officer_emails(req: InformationRequest) -> list[str]:
    emails = list(
        req.body.memberships.filter(role=Role.OFFICER, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    return emails or ([req.body.email] if req.body.email else [])


def _to_officers(req: InformationRequest, template: str, subject: str, **extra: Any) -> None:
    with translation.override("fr"):
        subject = subject % {"reference": req.reference}
    _send(_officer_emails(req), "fr", subject, template, {"req": req, **extra})


def request_submitted(req: InformationRequest) -> None:
    from .letters import receipt_pdf

    _to_applicant(
        req,
        "submitted",
        _("Receipt of your request %(reference)s"),
        attachments=[(f"recepisse-{req.reference}.pdf", receipt_pdf(req), "application/pdf")],
    )
    _to_officers(req, "new_request", _("New information request %(reference)s"))


def request_assigned(req: InformationRequest) -> None:
    emails = (
        list(
            req.department.memberships.filter(user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
        if req.department
        else []
    )
    if req.assignee is not None:
        emails = [req.assignee.email]
    with translation.override("fr"):
        subject = _("Request %(reference)s assigned to your department") % {
            "reference": req.reference
        }
    _send(emails, "fr", subject, "assigned", {"req": req})


def clarification_requested(req: InformationRequest) -> None:
    _to_applicant(
        req, "clarification_requested", _("Your request %(reference)s: a clarification is needed")
    )


def clarification_provided(req: InformationRequest) -> None:
    _to_officers(
        req, "clarification_provided", _("Request %(reference)s: the applicant has clarified")
    )


def request_extended(req: InformationRequest) -> None:
    _to_applicant(req, "extended", _("Your request %(reference)s: the deadline is extended"))


def request_transferred(old: InformationRequest, new: InformationRequest) -> None:
    _to_applicant(old, "transferred", _("Your request %(reference)s has been transferred"), new=new)
    _to_officers(new, "new_request", _("New information request %(reference)s"))


def draft_submitted(req: InformationRequest) -> None:
    _to_officers(req, "draft_submitted", _("Request %(reference)s: a draft answer is ready"))


def request_answered(req: InformationRequest) -> None:
    from .letters import answer_pdf

    _to_applicant(
        req,
        "answered",
        _("Answer to your request %(reference)s"),
        attachments=[(f"reponse-{req.reference}.pdf", answer_pdf(req), "application/pdf")],
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
