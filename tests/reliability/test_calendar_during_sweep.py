"""An administrator moves an Islamic holiday while the deadline sweep and officers are at work.

The Mawlid of 2026 is proposed for Tuesday 25 and Wednesday 26 August; the
announcement moves its first day to Thursday 27. A request received on
22 July was due on 27 August and is now due on the 25th; one received on
23 July stays due on the 28th. On Wednesday 19 August the first has 2 working
days left (a 2-day reminder) and the second 3 (a 5-day reminder).

PostgreSQL, real transactions in threads, the interleaving forced by gates
(`threads.py`). What a user expects, whatever the order:
* every open request ends with the due date of the new calendar (no lost update);
* an officer gets each reminder once: one per request, step and due date. A
  reminder about the old date that was not sent yet is cancelled; a reminder
  for the new date is a different reminder and is sent;
* nobody sees a deadlock error.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from ati.law import services as calendar_services
from ati.law.models import Holiday, LegalProfileVersion
from ati.law.recompute import register_deadline_holder, unregister_deadline_holder
from ati.law.selectors import clear_calendar_cache, working_calendar
from ati.notifications import sweep as deadline_sweep
from ati.notifications.models import Notification, Status
from ati.notifications.services import deliver_pending
from ati.notifications.sweep import sweep
from ati.requests import services
from ati.requests.models import InformationRequest
from ati.requests.sweep import REMINDER
from tests.appeals.conftest import at

from .conftest import submit
from .threads import Gate, InThread

TODAY = dt.date(2026, 8, 19)
OLD_DUE, NEW_DUE, UNCHANGED_DUE = dt.date(2026, 8, 27), dt.date(2026, 8, 25), dt.date(2026, 8, 28)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture
def world(body, officer, citizen, administrator, monkeypatch):
    """Two requests received in July, and the clock on Wednesday 19 August 2026.

    The sweep's notices are delivered when the test says (`deliver_pending`), as a
    worker would some time after the sweep committed, not inside its thread.
    """
    monkeypatch.setattr(deadline_sweep, "_deliver_soon", lambda: None)
    with time_machine.travel(at(dt.date(2026, 7, 22)), tick=False) as clock:
        moved = submit(body, citizen)
        clock.move_to(at(dt.date(2026, 7, 23)))
        kept = submit(body, citizen)
        assert (moved.response_due, kept.response_due) == (OLD_DUE, UNCHANGED_DUE)
        Notification.objects.update(status=Status.SENT)  # the receipts are not counted here
        clock.move_to(at(TODAY))
        mail.outbox.clear()
        yield moved, kept, clock


def _mawlid():
    return Holiday.objects.get(key="mawlid-1448-1")


def _move_mawlid(administrator, to=dt.date(2026, 8, 27)):
    return calendar_services.move_holiday(
        administrator, _mawlid(), to, reason="Moon sighting announced"
    )


def _due_by_the_calendar(req) -> dt.date:
    """The due date the current calendar gives this request (fresh from the database)."""
    req.refresh_from_db()
    version = LegalProfileVersion.objects.select_related("calendar").get(pk=req.profile_version_id)
    return req.deadline_in_force(working_calendar(version)).due


def _reminders(status=Status.SENT):
    return sorted(
        Notification.objects.filter(kind=REMINDER, status=status).values_list(
            "related_id", "days_before", "due_on"
        )
    )


def _settle(today=TODAY):
    """What beat does next: deliver, sweep again, deliver; a third sweep finds nothing."""
    deliver_pending()
    sweep(today)
    deliver_pending()
    assert sweep(today).queued == 0


def _expected_reminders(moved, kept):
    return sorted([(moved.pk, 2, NEW_DUE), (kept.pk, 5, UNCHANGED_DUE)])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_holiday_moved_while_the_sweep_is_between_its_selection_and_its_insert(
    world, administrator, monkeypatch
):
    moved, kept, _clock = world
    selected = Gate()
    insert = deadline_sweep._insert

    def insert_after_the_gate(chunk):
        selected.arrive()  # the sweep has chosen its rows (old due dates), not yet inserted
        return insert(chunk)

    monkeypatch.setattr(deadline_sweep, "_insert", insert_after_the_gate)
    sweeping = InThread(lambda: sweep(TODAY))
    selected.wait_reached()
    change = InThread(lambda: _move_mawlid(administrator))
    # The sweep holds the calendars it counts with: the change waits for it to commit.
    assert change.is_blocked()
    selected.open()
    assert sweeping.result().queued == 2
    assert change.result() == 1

    assert [_due_by_the_calendar(r) for r in (moved, kept)] == [NEW_DUE, UNCHANGED_DUE]
    assert [r.response_due for r in (moved, kept)] == [NEW_DUE, UNCHANGED_DUE]
    _settle()
    # The reminder about the old date was queued before the change and cancelled at
    # delivery; the one about the new date is a different reminder, sent once.
    assert _reminders() == _expected_reminders(moved, kept)
    assert _reminders(Status.CANCELLED) == [(moved.pk, 2, OLD_DUE)]
    assert len(mail.outbox) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sweep_that_starts_during_a_calendar_change_counts_with_the_new_calendar(
    world, administrator
):
    moved, kept, _clock = world
    recomputed = Gate()

    def hold_the_change(calendar, actor, reason):
        recomputed.arrive()  # due dates updated, the change not committed
        return 0

    register_deadline_holder(hold_the_change)
    try:
        change = InThread(lambda: _move_mawlid(administrator))
        recomputed.wait_reached()
        sweeping = InThread(lambda: sweep(TODAY))
        assert sweeping.is_blocked()  # not counting with a calendar being replaced
        recomputed.open()
        assert change.result() == 1
        assert sweeping.result().queued == 2
    finally:
        unregister_deadline_holder(hold_the_change)
    _settle()
    assert _reminders() == _expected_reminders(moved, kept)
    assert _reminders(Status.CANCELLED) == []  # nothing about the old date was queued
    assert len(mail.outbox) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_extension_during_the_recompute_is_not_lost(world, administrator, officer):
    moved, _kept, _clock = world
    read = Gate()
    deadline_in_force = InformationRequest.deadline_in_force

    def computing(self, calendar):
        read.arrive()  # the recompute has read the open requests
        return deadline_in_force(self, calendar)

    InformationRequest.deadline_in_force = computing
    try:
        change = InThread(lambda: _move_mawlid(administrator))
        read.wait_reached()
        InformationRequest.deadline_in_force = deadline_in_force
        extension = InThread(
            lambda: services.extend(officer, moved.pk, reason="Archives à consulter")
        )
        assert extension.is_blocked()  # on the request's row, which the recompute holds
        read.open()
        assert change.result() == 1
        extension.result()
    finally:
        InformationRequest.deadline_in_force = deadline_in_force
    moved.refresh_from_db()
    assert moved.extensions_used == 1
    assert moved.response_due == _due_by_the_calendar(moved) > NEW_DUE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_submitted_during_a_calendar_change_gets_the_new_due_date(
    world, administrator, body, citizen
):
    _moved, _kept, clock = world
    clock.move_to(at(dt.date(2026, 7, 22)))
    recomputed = Gate()

    def hold_the_change(calendar, actor, reason):
        recomputed.arrive()
        return 0

    register_deadline_holder(hold_the_change)
    try:
        change = InThread(lambda: _move_mawlid(administrator))
        recomputed.wait_reached()
        submission = InThread(lambda: submit(body, citizen))
        assert submission.is_blocked()  # waits for the calendar it counts with
        recomputed.open()
        change.result()
        new = submission.result()
    finally:
        unregister_deadline_holder(hold_the_change)
    assert new.response_due == _due_by_the_calendar(new) == NEW_DUE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_officer_acting_on_a_request_during_a_calendar_change_meets_no_deadlock(
    world, administrator, officer, department, monkeypatch
):
    moved, _kept, _clock = world
    locked = Gate()
    may = services.permissions.may

    def may_after_the_lock(actor, action, req):
        if action == "assign":
            locked.arrive()  # the officer's transaction holds the request's row
        return may(actor, action, req)

    monkeypatch.setattr(services.permissions, "may", may_after_the_lock)
    assignment = InThread(lambda: services.assign(officer, moved.pk, department=department))
    locked.wait_reached()
    change = InThread(lambda: _move_mawlid(administrator))
    assert change.is_blocked()  # on the request's row
    locked.open()
    assignment.result()
    assert change.result() == 1
    moved.refresh_from_db()
    assert moved.department == department
    assert moved.response_due == _due_by_the_calendar(moved) == NEW_DUE


def test_a_reminder_cancelled_because_the_date_moved_does_not_block_that_date_coming_back(
    world, administrator
):
    moved, kept, _clock = world
    sweep(TODAY)  # reminders for 27 (moved) and 28 August (kept), not delivered yet
    _move_mawlid(administrator)  # due 25 August
    _settle()  # the 27 August reminder is cancelled; the 25 August one is sent
    assert _reminders() == _expected_reminders(moved, kept)
    _move_mawlid(administrator, to=dt.date(2026, 8, 25))  # a mistake: moved back
    moved.refresh_from_db()
    assert moved.response_due == OLD_DUE
    _settle()
    # The officer was last told 25 August; the due date is the 27th again. The reminder
    # about the 27th was never sent (cancelled): it is sent now, once.
    assert _reminders() == sorted([*_expected_reminders(moved, kept), (moved.pk, 2, OLD_DUE)])
    assert len(mail.outbox) == 3


def test_a_reminder_sent_before_the_holiday_moved_is_followed_by_one_for_the_new_date(
    world, administrator
):
    moved, kept, _clock = world
    sweep(TODAY)
    deliver_pending()  # the officer is told: due 27 August
    _move_mawlid(administrator)
    _settle()
    # A different reminder: the same step, a new date. Each sent once.
    assert _reminders() == sorted([*_expected_reminders(moved, kept), (moved.pk, 2, OLD_DUE)])
    assert len(mail.outbox) == 3
