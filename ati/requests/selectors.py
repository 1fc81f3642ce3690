"""Reads: which requests a person may see, the officer's queue, a request's timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Q, QuerySet
from django.http import FileResponse
from django.utils import timezone

from ati.accounts import permissions as roles
from ati.audit.models import AuditEvent
from ati.law.models import ExceptionGround

from . import permissions
from .models import (
    CLOCK_RUNNING,
    Direction,
    InformationRequest,
    InformationRequestQuerySet,
    Message,
    State,
)
from .uploads import name_for_type

QUEUE_RELATED = ("body", "department", "assignee", "profile_version")


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


@dataclass(frozen=True)
class QueueFilters:
    state: str = "open"  # the requests still to handle; "all" for every one
    department: int | None = None
    overdue: bool = False
    due_within: int | None = None  # calendar days from today
    urgent: bool = False
    body: int | None = None
    q: str = ""


def queue(
    user: Any, filters: QueueFilters, today: dt.date | None = None
) -> QuerySet[InformationRequest]:
    """The officer's queue: the body's requests, soonest due first, with the overdue flag."""
    today = today or timezone.localdate()
    qs = visible_requests(user).with_overdue(today)
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
        qs = qs.filter(
            state__in=CLOCK_RUNNING, response_due__lte=today + dt.timedelta(days=filters.due_within)
        )
    if filters.urgent:
        qs = qs.filter(urgent=True)
    if filters.q:
        qs = qs.filter(Q(reference__icontains=filters.q) | Q(subject__icontains=filters.q))
    return qs.order_by("response_due", "pk")


def queue_counts(user: Any, today: dt.date | None = None) -> dict[str, int]:
    """How many requests in each state, and how many overdue, in one query."""
    today = today or timezone.localdate()
    qs = visible_requests(user)
    aggregates = {state.value: Count("pk", filter=Q(state=state)) for state in State}
    aggregates["overdue"] = Count("pk", filter=Q(state__in=CLOCK_RUNNING, response_due__lt=today))
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
    """What happened to the request, from the audit log, oldest first."""
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
    return shown


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
    from ati.law.selectors import working_calendar

    deadline = req.deadline_in_force(working_calendar(req.profile_version))
    if deadline.due != req.response_due:
        return req.due_explanation
    return deadline.explanation(language)
