"""When a complaint or an appeal may be filed, and until when (reads only, no writes).

The windows come from the request's legal profile version and its calendar:

* complaint to the head of the body: ``complaint_window`` counted from the
  answer (its local date) or, for a deemed refusal, from the response deadline
  that passed unanswered; the head answers within ``head_decision``.
* appeal to the commission: ``commission_window`` counted from the head's
  decision or from the day its deadline lapsed; the commission decides within
  ``commission_decision`` (when the profile has one).

A profile without a head-of-body step (``complaint_window`` empty, as under the
French CRPA) goes straight to the commission (the CADA): the appeal window
then counts from the answer or from the deemed refusal, and no prior complaint
is required. A profile without a commission step (US FOIA) has no appeal here:
filing one is refused, the next step being the court.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ati.law import selectors as law
from ati.law.deadlines import Deadline, add_period
from ati.requests.models import FINAL_STATES, InformationRequest, Outcome, State

from .models import Complaint, ComplaintState, Ground


@dataclass(frozen=True)
class Window:
    """A filing window: open from ``start`` to the end of ``deadline.due``."""

    ground: str
    start: dt.date
    deadline: Deadline

    @property
    def end(self) -> dt.date:
        return self.deadline.due

    def is_open(self, today: dt.date) -> bool:
        return today <= self.end

    @property
    def ground_label(self) -> str:
        """What is complained of, in the reader's language ("" for an appeal's window)."""
        return str(Ground(self.ground).label) if self.ground in Ground.values else ""


def grounds_against(req: InformationRequest, today: dt.date | None = None) -> list[str]:
    """What the applicant may complain of now: refusal, partial answer, cost, silence."""
    today = today or timezone.localdate()
    if req.past_due(today):
        return [Ground.DEEMED_REFUSAL]
    if req.state not in (State.ANSWERED, State.CLOSED) or req.answered_at is None:
        return []
    grounds: list[str] = []
    if req.outcome == Outcome.REFUSED:
        grounds.append(Ground.REFUSAL)
    elif req.outcome == Outcome.PARTIALLY_GRANTED:
        grounds.append(Ground.PARTIAL)
    if req.reproduction_cost:
        grounds.append(Ground.COST)
    return grounds


def ground_start(req: InformationRequest, ground: str) -> dt.date:
    """Where a window counts from: the unanswered deadline, or the answer's date."""
    if ground == Ground.DEEMED_REFUSAL or req.answered_at is None:
        return req.response_due
    return timezone.localdate(req.answered_at)


def has_head_step(req: InformationRequest) -> bool:
    return req.profile_version.optional_period("complaint_window") is not None


def has_commission_step(req: InformationRequest) -> bool:
    return req.profile_version.optional_period("commission_window") is not None


def complaint_window(req: InformationRequest, ground: str) -> Window | None:
    """None when the law has no complaint to the head of the body."""
    period = req.profile_version.optional_period("complaint_window")
    if period is None:
        return None
    start = ground_start(req, ground)
    return Window(
        ground, start, add_period(start, period, law.working_calendar(req.profile_version))
    )


def head_decision_deadline(req: InformationRequest, filed_on: dt.date) -> Deadline | None:
    period = req.profile_version.optional_period("head_decision")
    if period is None:
        return None
    return add_period(filed_on, period, law.working_calendar(req.profile_version))


def commission_decision_deadline(req: InformationRequest, filed_on: dt.date) -> Deadline | None:
    period = req.profile_version.optional_period("commission_decision")
    if period is None:
        return None
    return add_period(filed_on, period, law.working_calendar(req.profile_version))


def prior_complaint(req: InformationRequest) -> Complaint | None:
    """The latest complaint if the head confirmed it or let it lapse (the appeal's basis).

    A complaint past its deadline counts as lapsed even before the sweep records it.
    """
    latest = req.complaints.order_by("-pk").first()
    if latest is not None and (
        latest.state in (ComplaintState.CONFIRMED, ComplaintState.LAPSED) or latest.is_overdue()
    ):
        return latest
    return None


def pending_complaint(req: InformationRequest) -> Complaint | None:
    return req.complaints.filter(state=ComplaintState.FILED).first()


@dataclass(frozen=True)
class AppealBasis:
    complaint: Complaint | None
    window: Window


def appeal_basis(req: InformationRequest, today: dt.date | None = None) -> AppealBasis | None:
    """What an appeal filed today would rest on, or None if there is nothing to appeal.

    With a prior complaint (confirmed or lapsed): counted from its decision or
    lapse. Without one: counted from the answer or the deemed refusal; under a
    law with a head-of-body step the secretariat will then find the appeal
    inadmissible (no prior complaint), but filing it is the applicant's right.
    """
    today = today or timezone.localdate()
    period = req.profile_version.optional_period("commission_window")
    if period is None or (req.state in FINAL_STATES and req.state != State.CLOSED):
        return None
    calendar = law.working_calendar(req.profile_version)
    complaint = prior_complaint(req) if has_head_step(req) else None
    if complaint is not None and complaint.decision_date is not None:
        start = complaint.decision_date
        ground = complaint.ground
    else:
        grounds = grounds_against(req, today)
        if not grounds:
            return None
        ground = grounds[0]
        start = ground_start(req, ground)
    return AppealBasis(complaint, Window(ground, start, add_period(start, period, calendar)))
