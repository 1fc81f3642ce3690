"""The deadline sweep: who is told what, when, and never twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from ati.accounts.models import Role
from ati.notifications.models import Notification, Status
from ati.notifications.services import deliver_pending
from ati.notifications.sweep import sweep
from ati.requests import services
from ati.requests.models import InformationRequest
from ati.requests.sweep import DEEMED_REFUSAL, ESCALATION, REMINDER
from tests.factories import member

from .conftest import DUE


def _kinds(req):
    return sorted(
        Notification.objects.filter(related_id=req.pk, kind__startswith="request.")
        .exclude(kind__in=["request.submitted", "request.new_request"])
        .values_list("kind", "days_before", "recipient_email")
    )


def _set_due(req, due):
    InformationRequest.objects.filter(pk=req.pk).update(response_due=due)
    req.refresh_from_db()


def test_officers_are_reminded_five_and_two_working_days_before_the_due_date(submit, officer):
    req = submit()
    assert req.response_due == DUE  # Tuesday 1 December 2026
    assert sweep(dt.date(2026, 11, 23)).queued == 0  # 6 working days before: nothing yet
    assert sweep(dt.date(2026, 11, 24)).queued == 1  # 25, 26, 27, 30 Nov and 1 Dec: 5 left
    assert sweep(dt.date(2026, 11, 26)).queued == 0  # 3 left: the 5-day reminder was sent
    assert sweep(dt.date(2026, 11, 27)).queued == 1  # 30 Nov and 1 Dec: 2 left
    assert _kinds(req) == [(REMINDER, 2, officer.email), (REMINDER, 5, officer.email)]


def test_the_reminder_counts_working_days_across_a_holiday(submit, officer):
    req = submit()
    # Due Friday 20 November: 18 November (Independence Day) is closed,
    # so 5 working days before is Thursday 12 November, not Friday 13.
    _set_due(req, dt.date(2026, 11, 20))
    assert sweep(dt.date(2026, 11, 11)).queued == 0
    assert sweep(dt.date(2026, 11, 12)).queued == 1
    assert _kinds(req) == [(REMINDER, 5, officer.email)]


def test_overdue_escalates_to_the_head_and_tells_the_applicant_silence_is_refusal(
    submit, officer, head, citizen
):
    req = submit()
    assert sweep(DUE).queued == 1  # due today: the last reminder, no escalation yet
    result = sweep(DUE + dt.timedelta(days=1))
    assert result.by_kind == {ESCALATION: 1, DEEMED_REFUSAL: 1}
    assert sorted(k for k in _kinds(req) if k[0] != REMINDER) == [
        (DEEMED_REFUSAL, None, citizen.email),
        (ESCALATION, None, head.email),
    ]

    mail.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0), tick=False):
        deliver_pending()
    by_to = {m.to[0]: m for m in mail.outbox}
    to_applicant = by_to[citizen.email]
    assert "ce silence vaut refus" in to_applicant.body
    assert "responsable de l’organisme" in to_applicant.body
    # 20 working days from Tuesday 1 December 2026 (the profile's complaint window).
    assert "réclamation jusqu’au mardi 29 décembre 2026" in to_applicant.body
    assert to_applicant.alternatives[0][1] == "text/html"
    assert req.reference in by_to[head.email].subject


def test_running_the_sweep_twice_sends_nothing_twice(submit, officer, head):
    submit()
    out = io.StringIO()
    call_command("sweep_deadlines", "--today", "2026-12-03", stdout=out)
    assert out.getvalue().splitlines()[-1] == "queued: 2"
    out = io.StringIO()
    call_command("sweep_deadlines", "--today", "2026-12-03", stdout=out)
    assert out.getvalue().splitlines()[-1] == "queued: 0"
    keys = list(Notification.objects.values_list("dedup_key", flat=True))
    assert len(keys) == len(set(keys))


def test_a_dry_run_counts_and_writes_nothing(submit, officer, head):
    submit()
    before = Notification.objects.count()
    out = io.StringIO()
    call_command("sweep_deadlines", "--today", "2026-12-03", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[-1] == "queued: 2"
    assert Notification.objects.count() == before


def test_an_extension_moves_the_reminders(submit, officer, django_capture_on_commit_callbacks):
    req = submit()
    sweep(dt.date(2026, 11, 24))  # the 5-day reminder for 1 December
    with django_capture_on_commit_callbacks(execute=True):
        req = services.extend(officer, req, reason="Documents held in the regional archives.")
    new_due = req.response_due
    assert new_due > DUE
    assert sweep(dt.date(2026, 11, 27)).queued == 0  # no 2-day reminder for the old date
    days_before = {}
    d = DUE
    while d < new_due and not days_before:
        d += dt.timedelta(days=1)
        if sweep(d).queued:
            days_before[d] = list(
                Notification.objects.filter(kind=REMINDER, due_on=new_due).values_list(
                    "days_before", flat=True
                )
            )
    assert list(days_before.values()) == [[5]]


def test_an_answered_request_gets_no_reminder_and_a_stale_one_is_cancelled(
    submit, officer, django_capture_on_commit_callbacks
):
    req = submit()
    sweep(dt.date(2026, 11, 24))
    reminder = Notification.objects.get(kind=REMINDER)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(officer, req, outcome="granted", text="Le budget est joint.")
    # The worker reaches the reminder only now: the request was answered, so it is not sent.
    Notification.objects.filter(pk=reminder.pk).update(status=Status.QUEUED, subject="")
    deliver_pending()
    reminder.refresh_from_db()
    assert reminder.status == Status.CANCELLED
    assert sweep(dt.date(2026, 11, 27)).queued == 0


def test_a_body_without_an_officer_is_reminded_at_its_address(submit, body):
    body.email = "dai@body.example.org"
    body.save()
    submit()
    assert sweep(dt.date(2026, 11, 24)).queued == 1
    assert Notification.objects.get(kind=REMINDER).recipient_email == "dai@body.example.org"


def test_every_officer_and_head_is_told(submit, body, officer, head):
    second = member(Role.OFFICER, body)
    second_head = member(Role.HEAD_OF_BODY, body)
    submit()
    sweep(dt.date(2026, 11, 24))
    sweep(DUE + dt.timedelta(days=1))
    told = {
        kind: set(Notification.objects.filter(kind=kind).values_list("recipient_email", flat=True))
        for kind in (REMINDER, ESCALATION)
    }
    assert told == {
        REMINDER: {officer.email, second.email},
        ESCALATION: {head.email, second_head.email},
    }


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_applicant_is_told_in_the_request_language(submit, head, language):
    req = submit()
    InformationRequest.objects.filter(pk=req.pk).update(language=language)
    sweep(DUE + dt.timedelta(days=1))
    notice = Notification.objects.get(kind=DEEMED_REFUSAL)
    assert notice.language == language
    deliver_pending()
    notice.refresh_from_db()
    assert notice.status == Status.SENT
    assert (f'dir="{"rtl" if language == "ar" else "ltr"}"') in notice.html_body
