"""The request sweeper: reminders before the due date, escalation and deemed refusal after it.

Registered with the notifications' deadline sweep (ati/notifications/sweep.py) in
the requests app's ``ready()``; the notices' texts are in ati/requests/notices.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import Combinable

from ati.accounts.models import Role
from ati.law.models import LegalProfileVersion
from ati.law.selectors import hold_calendar, working_calendar
from ati.notifications.models import Notification, Status
from ati.notifications.sweep import Recipient, body_people

from .models import CLOCK_RUNNING, InformationRequest

REQUEST_TYPE = "requests.informationrequest"
REMINDER = "request.reminder"
ESCALATION = "request.escalation"
DEEMED_REFUSAL = "request.deemed_refusal"


def reminder_days() -> list[int]:
    """Working days before the due date at which officers are reminded, largest first."""
    days = getattr(settings, "ATI_REMINDER_WORKING_DAYS", (5, 2))
    return sorted({int(d) for d in days if int(d) > 0}, reverse=True)


def last_day_at(calendar: Any, today: dt.date, n: int) -> dt.date:
    """The last date D with exactly ``n`` working days in (today, D]."""
    return calendar.add_working_days(today, n + 1) - dt.timedelta(days=1)


def not_yet_noticed(kind: str, days_before: int | None = None) -> Combinable:
    """No notice of this kind about this due date yet, sent or on its way.

    A cancelled one does not count: it was never sent (the due date had moved when
    it was delivered), so if the request is due on that date again, it is sent.
    """
    already = Notification.objects.filter(
        related_type=REQUEST_TYPE,
        related_id=OuterRef("pk"),
        kind=kind,
        due_on=OuterRef("response_due"),
        days_before=days_before,
    ).exclude(status=Status.CANCELLED)
    return ~Exists(already)


def _key(kind: str, step: int | None, pk: int, due: dt.date, to: Recipient) -> str:
    short = kind.rsplit(".", 1)[-1]
    step_part = f":{step}" if step is not None else ""
    return f"{short}{step_part}:request:{pk}:{due.isoformat()}:{to.tag}"


def _notice(
    kind: str, pk: int, due: dt.date, to: Recipient, step: int | None = None
) -> Notification:
    return Notification(
        recipient_id=to.user_id,
        recipient_email=to.email,
        language=to.language,
        kind=kind,
        related_type=REQUEST_TYPE,
        related_id=pk,
        due_on=due,
        days_before=step,
        dedup_key=_key(kind, step, pk, due, to),
    )


class RequestDeadlines:
    """Information requests: reminders before the due date, escalation after it.

    * Reminder N (default 5 and 2 working days before): to the body's
      officers, for requests whose remaining working days r satisfy
      next-smaller-N < r <= N. The range (rather than r == N exactly) makes a
      sweep that did not run on the day catch up, and gives a request that
      starts inside the window (urgent ones) one reminder, not two.
    * Overdue (due date passed, clock running): escalation to the head of the
      body, and a notice to the applicant that silence counts as a refusal and
      how to complain.
    Each notice names the due date it is about: an extension gives new ones.
    """

    name = "requests"

    def notices(self, today: dt.date) -> Iterator[Notification]:
        # Count with calendars held until the sweep commits (`hold_calendar`): a holiday
        # moved meanwhile waits, so the windows and the due dates of a sweep come from
        # one calendar, never half from the old one and half from the new.
        in_use = LegalProfileVersion.objects.values_list("calendar_id", flat=True).distinct()
        for calendar_id in sorted(set(in_use)):
            hold_calendar(calendar_id)
        versions: dict[int, list[int]] = defaultdict(list)
        calendars = {}
        for version in LegalProfileVersion.objects.select_related("calendar"):
            versions[version.calendar_id].append(version.pk)
            calendars[version.calendar_id] = version.calendar
        for calendar_id, version_ids in versions.items():
            calendar = working_calendar(calendars[calendar_id])
            running = InformationRequest.objects.filter(
                state__in=CLOCK_RUNNING, profile_version_id__in=version_ids
            )
            yield from self._reminders(running, calendar, today)
            yield from self._overdue(running, today)

    def _reminders(
        self, running: QuerySet[InformationRequest], calendar: Any, today: dt.date
    ) -> Iterator[Notification]:
        thresholds = reminder_days()
        for i, n in enumerate(thresholds):
            lower = thresholds[i + 1] if i + 1 < len(thresholds) else None
            first = (
                last_day_at(calendar, today, lower) + dt.timedelta(days=1)
                if lower is not None
                else today
            )
            rows = list(
                running.filter(response_due__range=(first, last_day_at(calendar, today, n)))
                .filter(not_yet_noticed(REMINDER, n))
                .values_list("pk", "body_id", "response_due")
            )
            officers = body_people({body for _, body, _ in rows}, Role.OFFICER)
            for pk, body_id, due in rows:
                for to in officers.get(body_id, []):
                    yield _notice(REMINDER, pk, due, to, n)

    def _overdue(
        self, running: QuerySet[InformationRequest], today: dt.date
    ) -> Iterator[Notification]:
        overdue = running.filter(response_due__lt=today)
        rows = list(
            overdue.filter(not_yet_noticed(ESCALATION)).values_list("pk", "body_id", "response_due")
        )
        heads = body_people({body for _, body, _ in rows}, Role.HEAD_OF_BODY)
        for pk, body_id, due in rows:
            for to in heads.get(body_id, []):
                yield _notice(ESCALATION, pk, due, to)
        applicants = overdue.filter(not_yet_noticed(DEEMED_REFUSAL)).values_list(
            "pk", "response_due", "applicant_id", "applicant_email", "language"
        )
        for pk, due, user_id, email, language in list(applicants):
            yield _notice(DEEMED_REFUSAL, pk, due, Recipient(user_id, email, language))
