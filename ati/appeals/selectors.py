"""Reads: who sees which complaint and appeal, the head's list, the commission's dashboard,
compliance follow-up and the non-compliance list of the annual report. No N+1: every
list selects its related rows in the same query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ati.accounts import permissions as roles
from ati.audit.models import AuditEvent
from ati.bodies.models import PublicBody
from ati.requests.models import InformationRequest

from . import permissions, windows
from .models import (
    APPEAL_PENDING,
    COURT_STATES,
    ORDERS,
    Appeal,
    AppealState,
    Complaint,
    ComplaintState,
)

COMPLAINT_RELATED = ("request__body", "decided_by")
APPEAL_RELATED = ("request__body", "rapporteur", "complaint")


def _scope(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if roles.is_commission_member(user) or roles.is_administrator(user):
        return qs
    if roles.is_citizen(user):
        return qs.filter(request__applicant=user)
    # Officers and heads of the body (not department staff: appeals are not theirs).
    bodies = roles.body_ids(user, roles.Role.OFFICER) | roles.body_ids(
        user, roles.Role.HEAD_OF_BODY
    )
    return qs.filter(request__body_id__in=bodies)


def visible_complaints(user: Any) -> QuerySet[Complaint]:
    return _scope(Complaint.objects.select_related(*COMPLAINT_RELATED), user)


def visible_appeals(user: Any) -> QuerySet[Appeal]:
    return _scope(Appeal.objects.select_related(*APPEAL_RELATED), user)


def complaints_to_decide(user: Any) -> QuerySet[Complaint]:
    """The head's list: complaints awaiting a decision in their bodies, soonest due first."""
    bodies = roles.body_ids(user, roles.Role.HEAD_OF_BODY)
    return (
        Complaint.objects.select_related(*COMPLAINT_RELATED)
        .filter(state=ComplaintState.FILED, request__body_id__in=bodies)
        .order_by("decision_due", "pk")
    )


def observations_to_submit(user: Any) -> QuerySet[Appeal]:
    """For a body's officers and head: the commission awaits their observations."""
    bodies = roles.body_ids(user, roles.Role.OFFICER) | roles.body_ids(
        user, roles.Role.HEAD_OF_BODY
    )
    return (
        Appeal.objects.select_related(*APPEAL_RELATED)
        .filter(state=AppealState.OBSERVATIONS_REQUESTED, request__body_id__in=bodies)
        .order_by("observations_due", "pk")
    )


#: Dashboard stages: one state, or a group of states.
STAGES: dict[str, tuple[str, ...]] = {
    "pending": tuple(APPEAL_PENDING),
    "admissibility": (AppealState.FILED,),
    "instruction": (
        AppealState.ADMISSIBLE,
        AppealState.OBSERVATIONS_REQUESTED,
        AppealState.OBSERVATIONS_RECEIVED,
        AppealState.HEARING_HELD,
    ),
    "compliance": (AppealState.DECIDED,),
    "closed": (AppealState.INADMISSIBLE, AppealState.COMPLIED, AppealState.NOT_COMPLIED),
    **{state.value: (state.value,) for state in AppealState},
}


@dataclass(frozen=True)
class DashboardFilters:
    stage: str = ""
    body: int | None = None
    ground: str = ""
    legal_ground: str = ""
    rapporteur: int | None = None
    overdue: bool = False
    q: str = ""


def dashboard(filters: DashboardFilters, today: dt.date | None = None) -> QuerySet[Appeal]:
    """The commission's appeals, soonest decision due first."""
    today = today or timezone.localdate()
    qs = Appeal.objects.select_related(*APPEAL_RELATED)
    if filters.stage in STAGES:
        qs = qs.filter(state__in=STAGES[filters.stage])
    if filters.body:
        qs = qs.filter(request__body_id=filters.body)
    if filters.ground:
        qs = qs.filter(ground=filters.ground)
    if filters.legal_ground:
        qs = qs.filter(
            request__in=InformationRequest.objects.filter(
                refusal_grounds__code=filters.legal_ground
            ).values("pk")
        )
    if filters.rapporteur:
        qs = qs.filter(rapporteur_id=filters.rapporteur)
    if filters.overdue:
        qs = qs.filter(
            Q(state__in=APPEAL_PENDING, decision_due__lt=today)
            | Q(state=AppealState.DECIDED, decision__in=ORDERS, compliance_due__lt=today)
        )
    if filters.q:
        qs = qs.filter(
            Q(request__reference__icontains=filters.q)
            | Q(decision_number__icontains=filters.q)
            | Q(request__subject__icontains=filters.q)
        )
    return qs.order_by("decision_due", "pk")


def stage_counts(today: dt.date | None = None) -> dict[str, int]:
    """Appeals in each state, overdue decisions and overdue compliance, in one query."""
    today = today or timezone.localdate()
    aggregates: dict[str, Any] = {s.value: Count("pk", filter=Q(state=s)) for s in AppealState}
    aggregates["overdue"] = Count("pk", filter=Q(state__in=APPEAL_PENDING, decision_due__lt=today))
    aggregates["compliance_overdue"] = Count(
        "pk", filter=Q(state=AppealState.DECIDED, decision__in=ORDERS, compliance_due__lt=today)
    )
    return Appeal.objects.aggregate(**aggregates)


def compliance_follow_up() -> QuerySet[Appeal]:
    """Orders awaiting compliance, soonest due first."""
    return (
        Appeal.objects.select_related(*APPEAL_RELATED)
        .filter(state=AppealState.DECIDED, decision__in=ORDERS)
        .order_by("compliance_due", "pk")
    )


def non_compliance(year: int, today: dt.date | None = None) -> QuerySet[Appeal]:
    """For the annual report: orders of the year recorded as not complied with, or whose
    compliance deadline has passed with nothing recorded."""
    today = today or timezone.localdate()
    return (
        Appeal.objects.select_related(*APPEAL_RELATED)
        .filter(decided_at__year=year, decision__in=ORDERS)
        .filter(
            Q(state=AppealState.NOT_COMPLIED)
            | Q(state=AppealState.DECIDED, compliance_due__lt=today)
        )
        .order_by("request__body__name_fr", "decision_number")
    )


def non_compliance_by_body(year: int, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The orders of `non_compliance` counted per body: each body's code, its name in the
    reader's language (an Arabic page names it in Arabic), the count; most first."""
    counts = (
        non_compliance(year, today)
        .order_by()
        .values_list("request__body")
        .annotate(count=Count("pk"))
    )
    by_id = dict(counts)
    bodies = PublicBody.objects.in_bulk(list(by_id))
    rows = [
        {"code": body.code, "name": body.name, "count": by_id[pk]} for pk, body in bodies.items()
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["name"]))


def published_decisions() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(published_at__isnull=False)
        .select_related("request__body")
        .order_by("-decided_at")
    )


def rapporteurs() -> QuerySet[Any]:
    from ati.accounts.models import Role, User

    return User.objects.filter(role=Role.COMMISSION_MEMBER, is_active=True).order_by("full_name")


def appeal_actions(user: Any, appeal: Appeal) -> list[str]:
    """What this person can do on the appeal now (transitions plus the non-state actions)."""
    names = {t.name for t in appeal.get_available_state_transitions()}  # type: ignore[attr-defined]
    if appeal.state in APPEAL_PENDING:
        names.add("assign_rapporteur")
    if appeal.state in APPEAL_PENDING and appeal.state != AppealState.FILED:
        names.add("draft_decision")
    if appeal.decision_number and not appeal.published_at and not appeal.published_text:
        names.add("publish")  # once: the proposal is then in the library's review
    if appeal.state in COURT_STATES and appeal.court_filed_on is None:
        names.add("court_filed")
    if appeal.court_filed_on is not None and not appeal.court_judgment:
        names.add("court_judged")
    return sorted(n for n in names if permissions.may_on_appeal(user, n, appeal))


def complaint_actions(user: Any, complaint: Complaint) -> list[str]:
    names = {t.name for t in complaint.get_available_state_transitions()}  # type: ignore[attr-defined]
    return sorted(n for n in names if permissions.may_on_complaint(user, n, complaint))


@dataclass
class RequestPanel:
    """What the request page shows about complaints and appeals."""

    complaints: list[Complaint]
    appeals: list[Appeal]
    complaint_windows: list[windows.Window]
    appeal_window: windows.Window | None
    appeal_without_complaint: bool
    pending_complaint: Complaint | None
    has_head_step: bool
    has_commission_step: bool
    can_file: bool


def request_panel(
    user: Any, req: InformationRequest, today: dt.date | None = None
) -> RequestPanel | None:
    if not permissions.can_view_request_appeals(user, req):
        return None
    today = today or timezone.localdate()
    complaints = list(req.complaints.select_related("decided_by").order_by("pk"))
    appeals = list(req.appeals.select_related("rapporteur").order_by("pk"))
    can_file = permissions.may_file(user, req)
    complaint_windows: list[windows.Window] = []
    appeal_window = None
    pending = next((c for c in complaints if c.state == ComplaintState.FILED), None)
    if can_file:
        if windows.has_head_step(req) and pending is None:
            for ground in windows.grounds_against(req, today):
                window = windows.complaint_window(req, ground)
                already = (
                    any(c.window_start >= window.start for c in complaints) if window else True
                )
                if window is not None and window.is_open(today) and not already:
                    complaint_windows.append(window)
        if windows.has_commission_step(req) and (pending is None or pending.is_overdue(today)):
            basis = windows.appeal_basis(req, today)
            if (
                basis is not None
                and basis.window.is_open(today)
                and not any(a.window_start >= basis.window.start for a in appeals)
            ):
                appeal_window = basis.window
    return RequestPanel(
        complaints=complaints,
        appeals=appeals,
        complaint_windows=complaint_windows,
        appeal_window=appeal_window,
        appeal_without_complaint=bool(
            appeal_window and windows.has_head_step(req) and windows.prior_complaint(req) is None
        ),
        pending_complaint=pending,
        has_head_step=windows.has_head_step(req),
        has_commission_step=windows.has_commission_step(req),
        can_file=can_file,
    )


#: The steps of complaints and appeals shown on the request's timeline, and what they are
#: called there. Internal steps (a rapporteur named, a decision drafted) stay off it.
TIMELINE_STEPS = {
    "complaint.filed": _("Complaint filed with the head of the body"),
    "complaint.confirm": _("The head of the body confirmed the answer"),
    "complaint.overturn": _("The head of the body overturned the answer and ordered disclosure"),
    "complaint.lapse": _("The head of the body did not decide on the complaint in time"),
    "appeal.filed": _("Appeal filed with the commission"),
    "appeal.declare_admissible": _("Appeal declared admissible"),
    "appeal.declare_inadmissible": _("Appeal declared inadmissible"),
    "appeal.request_observations": _("The commission asked the body for its observations"),
    "appeal.submit_observations": _("The body sent its observations to the commission"),
    "appeal.record_hearing": _("Hearing held by the commission"),
    "appeal.decide": _("The commission decided on the appeal"),
    "appeal.record_complied": _("The body complied with the commission's order"),
    "appeal.record_not_complied": _("The body did not comply with the commission's order"),
    "appeal.court_filed": _("Case brought before the administrative court"),
    "appeal.court_judged": _("The administrative court gave its judgment"),
}


def timeline_events(user: Any, req: InformationRequest) -> list[AuditEvent]:
    """The request's complaints and appeals on its timeline (requests' TIMELINE_SOURCES)."""
    if not permissions.can_view_request_appeals(user, req):
        return []
    complaints = [str(pk) for pk in req.complaints.values_list("pk", flat=True)]
    appeals = [str(pk) for pk in req.appeals.values_list("pk", flat=True)]
    if not complaints and not appeals:
        return []
    events = list(
        AuditEvent.objects.filter(
            Q(object_type=Complaint._meta.label_lower, object_id__in=complaints)
            | Q(object_type=Appeal._meta.label_lower, object_id__in=appeals),
            action__in=TIMELINE_STEPS,
        ).order_by("id")
    )
    for event in events:
        event.label = str(TIMELINE_STEPS[event.action])  # type: ignore[attr-defined]
        name = "appeals:complaint" if event.action.startswith("complaint.") else "appeals:appeal"
        event.link = reverse(name, args=[int(event.object_id)])  # type: ignore[attr-defined]
        # What was written (reasons, observations) is read on the complaint's or appeal's page.
        event.reason = ""
    return events
