"""Notices about complaints and appeals, written to the outbox (ati.notifications).

Mirrors `ati.requests.notify`: one function per event, called inside the
transaction of the change; the worker delivers the e-mails after commit, with
retries, and each notice also appears in the recipient's in-app inbox. The
applicant's decision letters go with their e-mail, in the applicant's language:
the commission's stored with the row, the head's made by the worker at delivery.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ati.accounts.models import Role, User
from ati.notifications.models import Notification
from ati.notifications.services import attachment_maker, queue_notification, render_template

from .models import Appeal, Complaint


def _send(
    to: list[str],
    language: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, bytes, str]] | None = None,
    documents: list[tuple[str, str, str]] | None = None,
) -> None:
    """One outbox row per address, in the caller's transaction (ati.notifications)."""
    to = [address for address in dict.fromkeys(to) if address]
    accounts = dict(User.objects.filter(email__in=to).values_list("email", "pk"))
    rendered = render_template(f"appeals/email/{template}.txt", context, language, subject)
    for address in to:
        queue_notification(
            f"appeals.{template}",
            recipient_id=accounts.get(address),
            email=address,
            language=language,
            rendered=rendered,
            related=context.get("obj"),
            attachments=attachments or (),
            documents=documents or (),
        )


def _url(obj: Complaint | Appeal) -> str:
    name = "appeals:appeal" if isinstance(obj, Appeal) else "appeals:complaint"
    return f"{settings.ATI_SITE_URL}{reverse(name, args=[obj.pk])}"


def _to_applicant(
    obj: Complaint | Appeal,
    template: str,
    subject: str,
    attachments: list[tuple[str, bytes, str]] | None = None,
    documents: list[tuple[str, str, str]] | None = None,
) -> None:
    req = obj.request
    with translation.override(req.language):
        subject = _(subject) % {"reference": req.reference}
    _send(
        [req.applicant_email],
        req.language,
        subject,
        template,
        {"obj": obj, "req": req, "url": _url(obj), "to_applicant": True},
        attachments,
        documents,
    )


def _body_emails(obj: Complaint | Appeal, *roles: str) -> list[str]:
    body = obj.request.body
    emails = list(
        body.memberships.filter(role__in=roles, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    return emails or ([body.email] if body.email else [])


def _to_body(obj: Complaint | Appeal, template: str, subject: str, *roles: str) -> None:
    with translation.override("fr"):
        subject = _(subject) % {"reference": obj.request.reference}
    _send(
        _body_emails(obj, *roles),
        "fr",
        subject,
        template,
        {"obj": obj, "req": obj.request, "url": _url(obj)},
    )


def _to_commission(appeal: Appeal, template: str, subject: str) -> None:
    if appeal.rapporteur is not None:
        emails = [appeal.rapporteur.email]
    else:
        emails = list(
            User.objects.filter(role=Role.COMMISSION_MEMBER, is_active=True).values_list(
                "email", flat=True
            )
        )
    with translation.override("fr"):
        subject = _(subject) % {"reference": appeal.request.reference}
    _send(
        emails, "fr", subject, template, {"obj": appeal, "req": appeal.request, "url": _url(appeal)}
    )


def complaint_filed(complaint: Complaint) -> None:
    _to_applicant(
        complaint,
        "complaint_filed",
        gettext_noop("Your complaint about request %(reference)s is registered"),
    )
    _to_body(
        complaint,
        "complaint_to_decide",
        gettext_noop("Complaint about request %(reference)s: your decision is due"),
        Role.HEAD_OF_BODY,
        Role.OFFICER,
    )


@attachment_maker("appeals.complaint_decision")
def _complaint_decision_letter(notification: Notification) -> bytes:
    # Made by the worker at delivery, out of the head's transaction: the decision it states
    # (confirmed or overturned, its reasons and date) is final once taken.
    from .letters import complaint_decision_pdf

    complaint = Complaint.objects.select_related(
        "request__body", "request__profile_version__calendar", "decided_by"
    ).get(pk=notification.related_id)
    return complaint_decision_pdf(complaint)


def complaint_decided(complaint: Complaint) -> None:
    from .letters import complaint_decision_filename

    letter = (complaint_decision_filename(complaint), "appeals.complaint_decision")
    _to_applicant(
        complaint,
        "complaint_decided",
        gettext_noop("The head of the body has decided your complaint (%(reference)s)"),
        documents=[(*letter, "application/pdf")],
    )
    if complaint.state == "overturned":
        _to_body(
            complaint,
            "complaint_decided",
            gettext_noop("Request %(reference)s reopened: disclosure ordered"),
            Role.OFFICER,
        )


def complaint_lapsed(complaint: Complaint) -> None:
    _to_applicant(
        complaint,
        "complaint_lapsed",
        gettext_noop("No decision on your complaint (%(reference)s): you may appeal"),
    )


def appeal_filed(appeal: Appeal) -> None:
    _to_applicant(
        appeal,
        "appeal_filed",
        gettext_noop("Your appeal about request %(reference)s is registered"),
    )
    _to_commission(appeal, "appeal_filed", gettext_noop("New appeal about request %(reference)s"))


def appeal_admissibility(appeal: Appeal) -> None:
    _to_applicant(
        appeal,
        "appeal_admissibility",
        gettext_noop("Your appeal about request %(reference)s: admissibility"),
    )


def rapporteur_assigned(appeal: Appeal) -> None:
    _to_commission(
        appeal,
        "appeal_filed",
        gettext_noop("You are rapporteur on the appeal about request %(reference)s"),
    )


def observations_requested(appeal: Appeal) -> None:
    _to_body(
        appeal,
        "observations_requested",
        gettext_noop("The commission asks for your observations (request %(reference)s)"),
        Role.OFFICER,
        Role.HEAD_OF_BODY,
    )


def observations_submitted(appeal: Appeal) -> None:
    _to_commission(
        appeal,
        "observations_submitted",
        gettext_noop("Observations received on the appeal about request %(reference)s"),
    )


def appeal_decided(appeal: Appeal) -> None:
    from .letters import decision_filename, decision_pdf

    pdf = [(decision_filename(appeal), decision_pdf(appeal), "application/pdf")]
    _to_applicant(
        appeal,
        "appeal_decided",
        gettext_noop("The commission has decided your appeal (%(reference)s)"),
        pdf,
    )
    _to_body(
        appeal,
        "appeal_decided",
        gettext_noop("Decision of the commission on request %(reference)s"),
        Role.OFFICER,
        Role.HEAD_OF_BODY,
    )


def compliance_reminder(appeal: Appeal, overdue: bool) -> None:
    _to_body(
        appeal,
        "compliance_reminder",
        gettext_noop("Reminder: the commission's order on request %(reference)s"),
        Role.OFFICER,
        Role.HEAD_OF_BODY,
    )


def compliance_recorded(appeal: Appeal) -> None:
    _to_applicant(
        appeal,
        "compliance_recorded",
        gettext_noop("The commission's order on request %(reference)s: compliance"),
    )
