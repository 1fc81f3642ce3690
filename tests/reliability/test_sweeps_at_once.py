"""The same sweep twice at once (PostgreSQL): Redis giving back a task still running,
beat's run beside an operator's command. Each notice is still sent once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from ati.appeals import services
from ati.appeals.models import Appeal, Decision
from ati.notifications import sweep as deadline_sweep
from ati.notifications.models import Notification
from ati.requests.models import InformationRequest
from tests.appeals.conftest import at
from tests.appeals.test_complaints_and_appeals import _to_commission

from .conftest import submit
from .threads import Gate, InThread

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_appeals_sweeps_at_once_remind_the_body_once(
    refused, citizen, officer, commissioner, clock, monkeypatch
):
    appeal = _to_commission(
        citizen, commissioner, officer, refused(), clock, decision=Decision.DISCLOSURE_ORDERED
    )
    clock.move_to(at(appeal.compliance_due - dt.timedelta(days=2)))
    # Both sweeps have read the appeal as due for its first reminder before either locks it.
    both_read = threading.Barrier(2, timeout=30)
    lock = services._locked

    def locked_once_both_have_read(model, obj):
        if model is Appeal:
            both_read.wait()
        return lock(model, obj)

    monkeypatch.setattr(services, "_locked", locked_once_both_have_read)
    sweeps = [InThread(services.send_compliance_reminders) for _ in range(2)]
    assert sorted(sweep.result() for sweep in sweeps) == [0, 1]
    appeal.refresh_from_db()
    assert appeal.reminders_sent == 1
    reminders = Notification.objects.filter(kind="appeals.compliance_reminder")
    assert reminders.count() == reminders.values("recipient_email").distinct().count() >= 1


def test_a_second_deadline_sweep_waits_for_the_first_and_queues_nothing(
    body, officer, head, citizen, monkeypatch
):
    req = submit(body, citizen)
    InformationRequest.objects.filter(pk=req.pk).update(response_due=dt.date(2020, 1, 2))
    inserted = Gate()
    insert = deadline_sweep._insert

    def insert_then_hold(chunk):
        count = insert(chunk)
        if threading.current_thread().name == "first":
            inserted.arrive()  # inside the first sweep's transaction, not committed
        return count

    monkeypatch.setattr(deadline_sweep, "_insert", insert_then_hold)
    first = InThread(deadline_sweep.sweep, name="first")
    inserted.wait_reached()
    second = InThread(deadline_sweep.sweep, name="second")
    assert second.is_blocked()  # on the sweep's lock, not reading a half-done sweep
    inserted.open()
    assert first.result().queued == 2  # escalation to the head, notice to the applicant
    assert second.result().queued == 0
