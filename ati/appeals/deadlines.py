"""The appeals' own due dates follow a change of the national calendar, like requests'.

Registered with `ati.law.recompute` (apps.py). When a holiday is confirmed, moved or
cancelled, or an exceptional closure is declared, the deadlines still running on that
calendar are counted again from the same start:

* a complaint awaiting the head's decision: `decision_due`, from the day it was filed;
* an appeal awaiting the commission's decision: `decision_due`, from the day it was filed;
* an order awaiting compliance: `compliance_due`, from the day it was decided.

A date the commission set by hand (the body's observations) is a person's choice and is
left alone. Rows are locked in key order (decision 0008: calendar, then request rows,
then these, the audit log last); one audit event per object whose date moved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ati.audit.services import record_many
from ati.law import selectors as law
from ati.law.deadlines import add_period

from . import conf, windows
from .models import APPEAL_PENDING, ORDERS, Appeal, AppealState, Complaint, ComplaintState


def recompute_appeal_deadlines(calendar: Any, actor: Any, reason: str) -> int:
    versions = list(calendar.versions.values_list("pk", flat=True))
    events: list[dict[str, Any]] = []
    working = law.working_calendar(calendar)
    with transaction.atomic():
        complaints = (
            Complaint.objects.filter(
                state=ComplaintState.FILED, request__profile_version__in=versions
            )
            .select_for_update(of=("self",))
            .select_related("request__profile_version")
            .order_by("pk")
        )
        for c in complaints:
            due = windows.head_decision_deadline(c.request, c.filed_on)
            if due is not None and due.due != c.decision_due:
                events.append(_event(c, "decision_due", c.decision_due, due.due, reason))
                Complaint.objects.filter(pk=c.pk).update(
                    decision_due=due.due,
                    due_explanation=due.explanation(c.request.language),
                    due_basis=due.as_data(),
                )
        appeals = (
            Appeal.objects.filter(request__profile_version__in=versions)
            .filter(state__in=[*APPEAL_PENDING, AppealState.DECIDED])
            .select_for_update(of=("self",))
            .select_related("request__profile_version")
            .order_by("pk")
        )
        for a in appeals:
            if a.state in APPEAL_PENDING and a.decision_due is not None:
                due = windows.commission_decision_deadline(a.request, a.filed_on)
                if due is not None and due.due != a.decision_due:
                    events.append(_event(a, "decision_due", a.decision_due, due.due, reason))
                    Appeal.objects.filter(pk=a.pk).update(
                        decision_due=due.due,
                        due_explanation=due.explanation(a.request.language),
                        due_basis=due.as_data(),
                    )
            elif (
                a.state == AppealState.DECIDED
                and a.decision in ORDERS
                and a.compliance_due is not None
                and a.decided_at is not None
            ):
                decided_on: dt.date = timezone.localtime(a.decided_at).date()
                new = add_period(decided_on, conf.compliance_period(), working).due
                if new != a.compliance_due:
                    events.append(_event(a, "compliance_due", a.compliance_due, new, reason))
                    Appeal.objects.filter(pk=a.pk).update(compliance_due=new)
        record_many(events, actor=actor)
    return len(events)


def _event(obj: Complaint | Appeal, field: str, old: Any, new: Any, reason: str) -> dict[str, Any]:
    kind = "appeal" if isinstance(obj, Appeal) else "complaint"
    return {
        "action": f"{kind}.due_date_recomputed",
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": str(obj),
        "before": {field: old},
        "after": {field: new},
        "reason": reason,
    }
