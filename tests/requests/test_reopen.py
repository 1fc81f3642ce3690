"""An order to disclose reopens the request (the transition used by ati.appeals)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from ati.accounts.models import Role
from ati.audit.models import AuditEvent
from ati.core.errors import TransitionConflict
from ati.requests import selectors, services
from ati.requests.models import State
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def test_reopen_clears_the_answer_keeps_it_in_the_audit_and_counts_a_new_period(
    submit, officer, department, clock
):
    req = services.assign(officer, submit(), department=department)
    services.answer(officer, req, outcome="refused", text="Non.", grounds=["state-security"])
    head = member(Role.HEAD_OF_BODY, req.body)
    clock.move_to(dt.datetime(2026, 11, 9, 10, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    req = services.reopen_after_order(head, req, reason="Complaint overturned")
    # Back to the department that had it; 20 working days from 9 November (skipping 18th).
    assert req.state == State.ASSIGNED and req.department == department
    assert req.response_due == dt.date(2026, 12, 8) and req.clock_started_on == dt.date(2026, 11, 9)
    assert req.outcome == "" and req.answered_at is None and not req.refusal_grounds.exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(req.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["request.previous_answer", "request.reopen"]
    # Never offered as an action of its own on the request page.
    assert "reopen" not in selectors.available_actions(head, req)


def test_only_the_head_or_the_commission_reopens(submit, officer, citizen):
    req = submit()
    services.answer(officer, req, outcome="refused", text="Non.", grounds=["state-security"])
    with pytest.raises(PermissionDenied):
        services.reopen_after_order(officer, req, reason="?")
    services.reopen_after_order(UserFactory(role=Role.COMMISSION_MEMBER), req, reason="Ordre")


def test_a_withdrawn_request_cannot_be_reopened(submit, citizen):
    req = services.withdraw(citizen, submit())
    with pytest.raises(TransitionConflict):
        services.reopen_after_order(UserFactory(role=Role.COMMISSION_MEMBER), req, reason="?")
