"""How the request sweeper's notices read: rendered by the worker, in the recipient's language.

Rendering at delivery (not in the sweep) keeps the sweep a set-based insert
and lets a notice that no longer applies (the request was answered, or its
due date moved) be cancelled instead of sent.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from ati.law.deadlines import add_period, format_date
from ati.law.selectors import working_calendar
from ati.notifications.models import Notification
from ati.notifications.services import Rendered, render_template, renderer

from .models import CLOCK_RUNNING, InformationRequest
from .sweep import DEEMED_REFUSAL, ESCALATION, REMINDER


def _request(notification: Notification) -> InformationRequest | None:
    """The request, if the deadline this notice is about still stands."""
    req = (
        InformationRequest.objects.select_related("body", "profile_version__calendar")
        .filter(pk=notification.related_id)
        .first()
    )
    if req is None or req.state not in CLOCK_RUNNING or req.response_due != notification.due_on:
        return None
    return req


def _context(notification: Notification, req: InformationRequest) -> dict[str, object]:
    return {
        "req": req,
        "due": format_date(req.response_due, notification.language),
        "days": notification.days_before,
        "site_url": f"{settings.ATI_SITE_URL}/requests/{req.reference}/",
    }


@renderer(REMINDER)
def reminder(notification: Notification) -> Rendered | None:
    req = _request(notification)
    if req is None:
        return None
    subject = _("Reminder: request %(reference)s is due on %(due)s") % {
        "reference": req.reference,
        "due": format_date(req.response_due, notification.language),
    }
    return render_template(
        "notifications/email/reminder.txt",
        _context(notification, req),
        notification.language,
        subject,
    )


@renderer(ESCALATION)
def escalation(notification: Notification) -> Rendered | None:
    req = _request(notification)
    if req is None:
        return None
    subject = _("Overdue: request %(reference)s was not answered in time") % {
        "reference": req.reference
    }
    return render_template(
        "notifications/email/escalation.txt",
        _context(notification, req),
        notification.language,
        subject,
    )


@renderer(DEEMED_REFUSAL)
def deemed_refusal(notification: Notification) -> Rendered | None:
    req = _request(notification)
    if req is None:
        return None
    context = _context(notification, req)
    period = req.profile_version.optional_period("complaint_window")
    if period is not None:
        end = add_period(req.response_due, period, working_calendar(req.profile_version)).due
        context["complaint_until"] = format_date(end, notification.language)
    subject = _("Your request %(reference)s: no answer in time, you may complain") % {
        "reference": req.reference
    }
    return render_template(
        "notifications/email/deemed_refusal.txt", context, notification.language, subject
    )
