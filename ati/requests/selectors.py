"""Reads: which requests a person may see, the officer's queue, a request's timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from django.db.models import Case, Count, Min, Q, QuerySet, Value, When
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from ati.accounts import permissions as roles
from ati.audit.models import AuditEvent
from ati.law.deadlines import WorkingCalendar
from ati.law.models import ExceptionGround, LegalProfileVersion
from ati.law.selectors import working_calendar

from . import permissions
from .models import (
    CLOCK_RUNNING,
    OPEN_STATES,
    Direction,
    InformationRequest,
    InformationRequestQuerySet,
    Message,
    State,
)
from .uploads import name_for_type

QUEUE_RELATED = ("body", "department", "assignee", "profile_version")

#: Steps of apps above this one on a request's timeline (docs/architecture.md), filled in
#: their ready(): ``source(user, req)`` returns audit events this person may see, each with
#: a ``label`` (what happened, in the reader's language) and a ``link`` (or "").
#: The appeals app: complaints and appeals (ati/appeals/selectors.py).
TIMELINE_SOURCES: list[Callable[[Any, InformationRequest], list[AuditEvent]]] = []


def visible_requests(user: Any) -> InformationRequestQuerySet:
    """Every request this person may open; nothing else (404 for the rest)."""
    qs = cast(InformationRequestQuerySet, InformationRequest.objects.select_related(*QUEUE_RELATED))
    if not user.is_authenticated or not user.is_active:
        qs = qs.none()
    elif roles.is_citizen(user):
        qs = qs.filter(applicant=user)
    elif roles.department_ids(user):
        qs = qs.filter(department_id__in=roles.department_ids(user))
    elif not (roles.is_administrator(user) or roles.is_commission_member(user)):
        qs = qs.filter(body_id__in=roles.body_ids(user))
    return cast(InformationRequestQuerySet, qs)


@dataclass(frozen=True)
class PageRelations:
    """What a page of requests shows of their relations, read in two queries, whatever it holds.

    The ORM's prefetch builds a queryset per row, and joining the request table
    with itself for the transfers made the page's query several times dearer to
    plan; these read only the codes and references the API shows.
    """

    grounds: dict[int, list[str]]
    transfers: dict[int, tuple[str | None, str | None]]  # pk -> (came from, became)

    def grounds_of(self, pk: int) -> list[str]:
        return self.grounds.get(pk, [])

    def transfer_of(self, pk: int) -> tuple[str | None, str | None]:
        return self.transfers.get(pk, (None, None))


def page_relations(requests: Sequence[InformationRequest]) -> PageRelations:
    ids = [r.pk for r in requests]
    grounds: dict[int, list[str]] = {}
    through = InformationRequest.refusal_grounds.through
    rows = (
        through.objects.filter(informationrequest_id__in=ids)
        .order_by(*(f"exceptionground__{f}" for f in ExceptionGround._meta.ordering or ()))
        .values_list("informationrequest_id", "exceptionground__code")
    )
    for pk, code in rows if ids else ():
        grounds.setdefault(pk, []).append(code)
    return PageRelations(grounds, _transfer_references(requests))


def _transfer_references(
    requests: Sequence[InformationRequest],
) -> dict[int, tuple[str | None, str | None]]:
    # Always one query (the number of queries of a page must not depend on what it shows):
    # the predecessors by primary key, the successors by their unique `transferred_from`.
    ids = {r.pk for r in requests}
    if not ids:
        return {}
    from_ids = {r.transferred_from_id: r.pk for r in requests if r.transferred_from_id}
    rows = InformationRequest.objects.filter(
        Q(pk__in=from_ids) | Q(transferred_from_id__in=ids)
    ).values_list("pk", "reference", "transferred_from_id")
    refs: dict[int, list[str | None]] = {}
    for pk, reference, came_from in rows:
        if pk in from_ids:
            refs.setdefault(from_ids[pk], [None, None])[0] = reference
        if came_from in ids:
            refs.setdefault(came_from, [None, None])[1] = reference
    return {pk: (a, b) for pk, (a, b) in refs.items()}


# --- Deadlines: what an officer must do by when --------------------------------
#: A request is "due soon" when at most this many working days are left.
DUE_SOON_WORKING_DAYS = 5


class DeadlineState(StrEnum):
    """The tag of a request's deadline, most pressing first (a request has one)."""

    OVERDUE = "overdue"
    URGENT = "urgent"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"
    #: The clock is stopped while the applicant is asked for a clarification.
    PAUSED = "paused"


#: A word-free mark beside each tag's words (never alone: the words carry the meaning,
#: so it is hidden from screen readers), and the tag's CSS class.
_DEADLINE_ICONS = {
    DeadlineState.OVERDUE: "⚠",
    DeadlineState.DUE_SOON: "◔",
    DeadlineState.URGENT: "!",
    DeadlineState.ON_TIME: "✓",
    DeadlineState.PAUSED: "‖",
}


@dataclass(frozen=True)
class DeadlineStatus:
    """Where a request stands against the due date in force, on its body's legal calendar.

    ``days_left`` counts working days after today up to the due date (0: due today),
    negative when overdue (at least one: a Saturday after a Friday deadline is late
    already), ``None`` while the clock is stopped.
    """

    due: dt.date
    days_left: int | None
    state: DeadlineState
    urgent: bool

    @property
    def icon(self) -> str:
        return _DEADLINE_ICONS[self.state]

    @property
    def label(self) -> str:
        if self.state == DeadlineState.OVERDUE:
            return gettext("Overdue")
        if self.state == DeadlineState.DUE_SOON:
            n = DUE_SOON_WORKING_DAYS
            return ngettext("Due within %(n)s working day", "Due within %(n)s working days", n) % {
                "n": n
            }
        if self.state == DeadlineState.URGENT:
            return gettext("Urgent")
        if self.state == DeadlineState.PAUSED:
            return gettext("Clock stopped")
        return gettext("On time")

    @property
    def days_label(self) -> str:
        """The time left in words: "3 working days left", "Overdue by 2 working days"."""
        n = self.days_left
        if n is None:
            return gettext("Clock stopped until the clarification arrives")
        if n == 0:
            return gettext("Due today")
        if n < 0:
            return ngettext("Overdue by %(n)s working day", "Overdue by %(n)s working days", -n) % {
                "n": -n
            }
        return ngettext("%(n)s working day left", "%(n)s working days left", n) % {"n": n}


def _deadline(
    req: InformationRequest, today: dt.date, calendar: WorkingCalendar
) -> DeadlineStatus | None:
    due = req.response_due
    if req.state == State.AWAITING_CLARIFICATION:
        return DeadlineStatus(due, None, DeadlineState.PAUSED, req.urgent)
    if req.state not in CLOCK_RUNNING:
        return None  # answered, transferred, withdrawn or closed: nothing is owed
    if due < today:
        days = -max(1, calendar.working_days_between(due, today))
        state = DeadlineState.OVERDUE
    else:
        days = calendar.working_days_between(today, due)
        # An urgent request (life, safety, liberty) has days, not weeks, and stands out
        # as such before any other that is merely due soon.
        if req.urgent:
            state = DeadlineState.URGENT
        elif days <= DUE_SOON_WORKING_DAYS:
            state = DeadlineState.DUE_SOON
        else:
            state = DeadlineState.ON_TIME
    return DeadlineStatus(due, days, state, req.urgent)


def deadline_status(req: InformationRequest, today: dt.date | None = None) -> DeadlineStatus | None:
    """The request's deadline now; ``None`` once the body owes no answer."""
    return _deadline(req, today or timezone.localdate(), working_calendar(req.profile_version))


def deadline_statuses(
    requests: Sequence[InformationRequest], today: dt.date | None = None
) -> dict[int, DeadlineStatus | None]:
    """`deadline_status` for a page of requests: one calendar per legal profile version.

    The rows should carry ``profile_version__calendar`` (see `queue`); the calendar's
    days are then read once per process and calendar change, not once per row.
    """
    today = today or timezone.localdate()
    calendars: dict[int, WorkingCalendar] = {}
    out: dict[int, DeadlineStatus | None] = {}
    for req in requests:
        calendar = calendars.get(req.profile_version_id)
        if calendar is None:
            calendar = calendars[req.profile_version_id] = working_calendar(req.profile_version)
        out[req.pk] = _deadline(req, today, calendar)
    return out


def _due_before(today: dt.date, working_days: int) -> Q:
    """Due within ``working_days`` working days of today (or already past), on each
    request's own calendar: before the end of the next working day after them.

    One condition per calendar (the legal profile versions that share it), not per row.
    """
    versions: dict[int, list[int]] = {}
    calendars: dict[int, Any] = {}
    for version in LegalProfileVersion.objects.select_related("calendar"):
        versions.setdefault(version.calendar_id, []).append(version.pk)
        calendars.setdefault(version.calendar_id, version)
    condition = Q(pk__in=[])
    for calendar_id, ids in versions.items():
        limit = working_calendar(calendars[calendar_id]).add_working_days(today, working_days + 1)
        condition |= Q(profile_version_id__in=ids, response_due__lt=limit)
    return condition


def _deadline_filter(state: str, today: dt.date) -> Q:
    """Exactly the requests whose tag (`deadline_status`) is ``state``."""
    if state == DeadlineState.PAUSED:
        return Q(state=State.AWAITING_CLARIFICATION)
    running = Q(state__in=CLOCK_RUNNING)
    if state == DeadlineState.OVERDUE:
        return running & Q(response_due__lt=today)
    not_late = running & Q(response_due__gte=today)
    if state == DeadlineState.URGENT:
        return not_late & Q(urgent=True)
    soon = _due_before(today, DUE_SOON_WORKING_DAYS)
    if state == DeadlineState.DUE_SOON:
        return not_late & Q(urgent=False) & soon
    return not_late & Q(urgent=False) & ~soon


class QueueSort(StrEnum):
    #: Running clocks first, the fewest working days left first; stopped clocks last.
    DAYS_LEFT = "days_left"
    #: By the stored due date, whatever the state.
    DUE = "due"
    #: Urgent requests whose clock runs first, then by working days left.
    URGENT = "urgent"


@dataclass(frozen=True)
class QueueFilters:
    state: str = "open"  # the requests still to handle; "all" for every one
    department: int | None = None
    overdue: bool = False
    due_within: int | None = None  # working days from today
    urgent: bool = False
    body: int | None = None
    q: str = ""
    deadline: str = ""  # a DeadlineState: the requests with that tag
    sort: str = QueueSort.DAYS_LEFT


def queue(
    user: Any, filters: QueueFilters, today: dt.date | None = None
) -> QuerySet[InformationRequest]:
    """The officer's queue: the body's requests, soonest due first, with the overdue flag."""
    today = today or timezone.localdate()
    qs = (
        visible_requests(user)
        .with_overdue(today)
        .select_related("profile_version__calendar")  # the page's deadlines, no query per row
    )
    if filters.body:
        qs = qs.filter(body_id=filters.body)
    if filters.state == "open":
        qs = qs.open()
    elif filters.state and filters.state != "all":
        qs = qs.filter(state=filters.state)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.overdue:
        qs = qs.overdue(today)
    if filters.due_within is not None:
        # Within N working days: before the end of the (N+1)th, on each request's calendar.
        qs = qs.filter(_due_before(today, filters.due_within), state__in=CLOCK_RUNNING)
    if filters.urgent:
        qs = qs.filter(urgent=True)
    if filters.deadline:
        qs = qs.filter(_deadline_filter(filters.deadline, today))
    if filters.q:
        qs = qs.filter(Q(reference__icontains=filters.q) | Q(subject__icontains=filters.q))
    stopped = Case(When(state__in=CLOCK_RUNNING, then=Value(0)), default=Value(1))
    if filters.sort == QueueSort.DUE:
        return qs.order_by("response_due", "pk")
    if filters.sort == QueueSort.URGENT:
        urgent_first = Case(
            When(state__in=CLOCK_RUNNING, urgent=True, then=Value(0)), default=Value(1)
        )
        return qs.order_by(urgent_first, stopped, "response_due", "pk")
    # On one calendar, fewer working days left is an earlier due date.
    return qs.order_by(stopped, "response_due", "pk")


@dataclass(frozen=True)
class QueueRow:
    request: InformationRequest
    deadline: DeadlineStatus | None


def queue_rows(user: Any, keys: Sequence[int], today: dt.date | None = None) -> list[QueueRow]:
    """A page of the queue, read by the primary keys `queue` sorted, with their deadlines.

    Sorting the keys alone reads the index on body, state and due date; sorting whole
    rows made the database carry every column of a body's 200,000 requests through
    the sort (seconds, against tens of milliseconds: docs/ux.md).
    """
    today = today or timezone.localdate()
    found = (
        visible_requests(user)
        .with_overdue(today)
        .select_related("profile_version__calendar")
        .filter(pk__in=keys)
    )
    by_pk = {req.pk: req for req in found}
    requests = [by_pk[pk] for pk in keys if pk in by_pk]
    statuses = deadline_statuses(requests, today)
    return [QueueRow(req, statuses[req.pk]) for req in requests]


def queue_counts(user: Any, today: dt.date | None = None) -> dict[str, int]:
    """How many requests wait in each open state, how many are overdue and urgent.

    One query, over the open requests only (the index on body, state and due date
    finds them): a body's hundreds of thousands of answered and closed requests
    are never read.
    """
    today = today or timezone.localdate()
    qs = visible_requests(user).filter(state__in=OPEN_STATES)
    aggregates = {state.value: Count("pk", filter=Q(state=state)) for state in OPEN_STATES}
    aggregates["overdue"] = Count("pk", filter=Q(state__in=CLOCK_RUNNING, response_due__lt=today))
    # Before "urgent": once that name is an aggregate, a filter on the field would mean it.
    aggregates["due_soon"] = Count("pk", filter=_deadline_filter(DeadlineState.DUE_SOON, today))
    aggregates["urgent"] = Count("pk", filter=Q(state__in=CLOCK_RUNNING, urgent=True))
    return qs.aggregate(**aggregates)


def my_requests(user: Any) -> QuerySet[InformationRequest]:
    return (
        InformationRequest.objects.filter(applicant=user)
        .select_related("body")
        .with_overdue()
        .order_by("-submitted_at")
    )


def get_request(user: Any, reference: str) -> InformationRequest:
    """The request by reference, if this person may see it (DoesNotExist otherwise)."""
    return visible_requests(user).with_overdue().get(reference=reference)


def messages_for(user: Any, req: InformationRequest) -> QuerySet[Message]:
    qs = req.messages.select_related("author").prefetch_related("attachments")
    if not permissions.sees_internal_notes(user, req):
        qs = qs.exclude(direction=Direction.INTERNAL)
    return qs


def timeline(user: Any, req: InformationRequest) -> list[AuditEvent]:
    """What happened to the request, from the audit log, oldest first; with its complaints
    and appeals (TIMELINE_SOURCES)."""
    events = AuditEvent.objects.filter(
        object_type=InformationRequest._meta.label_lower, object_id=str(req.pk)
    ).order_by("id")
    if permissions.is_applicant(user, req):
        # The applicant sees the steps, not the body's internal routing.
        events = events.exclude(action__in=["request.return_draft", "request.submit_draft"])
    shown = list(events)
    if permissions.is_applicant(user, req):
        # Nor that the body wrote itself an internal note.
        shown = [e for e in shown if (e.after or {}).get("direction") != "internal"]
    if req.identity_erased_at is not None:
        # The log keeps what the applicant wrote (a clarification, why they withdrew); once
        # their identity is erased, the page no longer shows it (ati.personal_data).
        for event in shown:
            if event.actor_id is not None and event.actor_id == req.applicant_id:
                event.reason = ""
    for source in TIMELINE_SOURCES:
        shown.extend(source(user, req))
    return sorted(shown, key=lambda event: event.id)  # one append-only log: its order


def available_actions(user: Any, req: InformationRequest) -> list[str]:
    """The transitions this person can make now."""
    names = {t.name for t in req.get_available_state_transitions()}  # type: ignore[attr-defined]
    names.discard("reopen")  # the effect of an order (ati.appeals), not an action of its own
    if "assign" in names and req.state == State.ASSIGNED:
        names.add("reassign")
        names.discard("assign")
    if "extend" in names and (not req.can_extend() or req.response_due < timezone.localdate()):
        names.discard("extend")
    return sorted(name for name in names if permissions.may(user, name, req))


def attachments_for(user: Any, req: InformationRequest) -> QuerySet[Any]:
    """The files this person may list and download: an internal note's files go with its text."""
    qs = req.attachments.all()
    if not permissions.sees_internal_notes(user, req):
        qs = qs.exclude(message__direction=Direction.INTERNAL)
    return qs


def attachment_response(attachment: Any) -> FileResponse:
    """Serve a stored file as a download, under its sanitised name, never inline."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        # Files stored before the names were matched to their type get the right one here.
        filename=name_for_type(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def due_explanation(req: InformationRequest, language: str) -> str:
    """How the due date in force was computed, in the reader's language.

    From the computation stored with the due date (``due_basis``); a row stored
    before it had one is recomputed from the start of the clock, and when that
    does not give its due date (a paused clock), its stored sentence is shown.
    """
    if req.due_basis:
        return req.explain_due(language)
    deadline = req.deadline_in_force(working_calendar(req.profile_version))
    if deadline.due != req.response_due:
        return req.due_explanation
    return deadline.explanation(language)


def submission_notices_backlog() -> list[str]:
    """Submissions whose receipt and officers' notice the worker has not written yet
    (requests.send_pending_submission_notices takes those left behind), for jobs_status."""
    pending = InformationRequest.objects.filter(submission_notices_pending=True)
    oldest = pending.aggregate(at=Min("submitted_at"))["at"]
    return [
        f"submissions waiting for their notices: {pending.count()} "
        f"(oldest: {oldest.isoformat() if oldest else '-'})"
    ]
