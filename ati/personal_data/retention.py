"""How long an applicant's personal data must be kept, and why (reads only, no writes).

A request's procedure has ended when the body no longer handles it (answered,
closed, withdrawn or transferred), no complaint or appeal on it is pending, no
order to disclose awaits the body's compliance, and the windows in which the
applicant could still complain or appeal have passed. Its applicant's identity
is kept for ``ATI_PERSONAL_DATA_RETENTION_DAYS`` after the last of these dates
(or of the events recorded on the request, its complaints and its appeals); it
may be erased from the day after.

While a procedure still runs, the end is unknown: the date given is then a
lower bound, as if it ended today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from ati.appeals import windows
from ati.appeals.models import APPEAL_PENDING, Appeal, AppealState, Complaint, ComplaintState
from ati.audit.models import AuditEvent
from ati.requests.models import OPEN_STATES, InformationRequest, State

#: Why a request's personal data are still kept.
OPEN = "open"  # the body still handles the request
COMPLAINT = "complaint"  # a complaint to the head of the body awaits a decision
APPEAL = "appeal"  # an appeal to the commission awaits a decision
COMPLIANCE = "compliance"  # an order to disclose awaits the body's compliance
RETENTION = "retention"  # the procedure has ended; the retention period runs


def retention_days() -> int:
    return int(settings.ATI_PERSONAL_DATA_RETENTION_DAYS)


@dataclass(frozen=True)
class Hold:
    """One request whose applicant's identity must still be kept."""

    request_id: int
    reference: str
    reason: str
    kept_until: dt.date  # the last day it must be kept (a lower bound while it runs)
    ended_on: dt.date | None  # when the procedure ended; None while it runs

    @property
    def running(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class Retention:
    """Whether an account's personal data may be erased today, and if not, until when."""

    today: dt.date
    days: int
    holds: tuple[Hold, ...]

    @property
    def may_erase(self) -> bool:
        return not self.holds

    @property
    def kept_until(self) -> dt.date | None:
        return max((h.kept_until for h in self.holds), default=None)

    @property
    def not_before(self) -> dt.date | None:
        """The first day the erasure may take place (at the earliest, while a procedure runs)."""
        return self.kept_until + dt.timedelta(days=1) if self.kept_until else None

    @property
    def running(self) -> bool:
        """True when a procedure still runs, so that `kept_until` is only a lower bound."""
        return any(h.running for h in self.holds)


def _local(value: dt.datetime | dt.date | None) -> dt.date | None:
    if value is None or not isinstance(value, dt.datetime):
        return value
    return timezone.localdate(value)


def _last_events(requests: list[InformationRequest]) -> dict[int, dt.date]:
    """The day of the last audit event on each request, its complaints and its appeals."""
    owners: dict[tuple[str, str], int] = {}
    for req in requests:
        owners[(InformationRequest._meta.label_lower, str(req.pk))] = req.pk
        for complaint in req.complaints.all():
            owners[(Complaint._meta.label_lower, str(complaint.pk))] = req.pk
        for appeal in req.appeals.all():
            owners[(Appeal._meta.label_lower, str(appeal.pk))] = req.pk
    last: dict[int, dt.date] = {}
    for object_type in {key[0] for key in owners}:
        ids = [key[1] for key in owners if key[0] == object_type]
        rows = (
            AuditEvent.objects.filter(object_type=object_type, object_id__in=ids)
            .values("object_id")
            .annotate(at=Max("created_at"))
        )
        for row in rows:
            pk, day = owners[(object_type, row["object_id"])], timezone.localdate(row["at"])
            last[pk] = max(last.get(pk, day), day)
    return last


def _windows_end(req: InformationRequest, today: dt.date) -> list[dt.date]:
    """The last days the applicant could still complain or appeal against the answer."""
    if req.state not in (State.ANSWERED, State.CLOSED):
        return []
    ends = []
    for ground in windows.grounds_against(req, today):
        window = windows.complaint_window(req, ground)
        if window is not None:
            ends.append(window.end)
    basis = windows.appeal_basis(req, today)
    if basis is not None:
        ends.append(basis.window.end)
    return ends


def procedure_end(
    req: InformationRequest, today: dt.date, last_event: dt.date | None = None
) -> tuple[str, dt.date | None]:
    """Why the request's data are kept, and the day its procedure ended (None while it runs)."""
    if req.state in OPEN_STATES:
        return OPEN, None
    complaints = list(req.complaints.all())
    appeals = list(req.appeals.all())
    if any(c.state == ComplaintState.FILED for c in complaints):
        return COMPLAINT, None
    if any(a.state in APPEAL_PENDING for a in appeals):
        return APPEAL, None
    if any(a.state == AppealState.DECIDED and a.is_order for a in appeals):
        return COMPLIANCE, None
    successor = getattr(req, "transferred_to", None) if req.state == State.TRANSFERRED else None
    dates: list[Any] = [req.submitted_at, req.answered_at, req.closed_at, last_event]
    dates.append(successor.submitted_at if successor is not None else None)
    for c in complaints:
        dates += [c.filed_at, c.decided_at, c.decision_due if c.decided_at is None else None]
    for a in appeals:
        dates += [a.filed_at, a.observations_at, a.decided_at, a.compliance_recorded_at]
    days = [d for d in map(_local, dates) if d is not None]
    return RETENTION, max(days + _windows_end(req, today))


def holds_for(requests: Iterable[InformationRequest], today: dt.date | None = None) -> list[Hold]:
    """The requests among these whose applicant's identity must still be kept today.

    The requests should come with their complaints and appeals prefetched
    (`with_procedure`).
    """
    today = today or timezone.localdate()
    days = retention_days()
    requests = list(requests)
    last = _last_events(requests)
    holds = []
    for req in requests:
        reason, ended = procedure_end(req, today, last.get(req.pk))
        kept_until = (ended or today) + dt.timedelta(days=days)
        if ended is None or kept_until >= today:
            holds.append(Hold(req.pk, req.reference, reason, kept_until, ended))
    return holds


def with_procedure(qs: Any) -> Any:
    """The related rows `procedure_end` reads, in a few queries for any number of requests."""
    return qs.select_related("profile_version", "transferred_to").prefetch_related(
        "complaints", "appeals"
    )


def account_requests(user: Any) -> Any:
    """The requests of an account whose applicant's identity has not been erased yet."""
    return with_procedure(
        InformationRequest.objects.filter(applicant=user, identity_erased_at__isnull=True)
    ).order_by("submitted_at", "pk")


def retention_for(user: Any, today: dt.date | None = None) -> Retention:
    """May this account's personal data be erased today? If not, which requests keep them."""
    today = today or timezone.localdate()
    holds = holds_for(account_requests(user), today)
    return Retention(today=today, days=retention_days(), holds=tuple(holds))
