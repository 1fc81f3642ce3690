"""A submission's receipt and the officers' notice are written by the worker, after the
submission commits, exactly once (issue #19): the citizen's transaction holds only the
request, its number and its audit event; a lost task is taken up by the sweeper."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction

from ati.accounts.models import Role
from ati.notifications.models import JobRun, Notification, NotificationAttachment
from ati.requests import notify, services, tasks
from ati.requests.models import InformationRequest
from tests.factories import member

from .conftest import RECEIVED, applicant_details, request_details

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def _notices(req):
    return Notification.objects.filter(related_id=req.pk).order_by("kind")


def test_the_receipt_and_the_officers_notice_follow_the_commit(
    submit, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        req = submit()
    # Committed: the request and its number, no notice yet, and marked as waiting for them.
    assert not _notices(req).exists()
    assert InformationRequest.objects.get(pk=req.pk).submission_notices_pending
    with django_capture_on_commit_callbacks(execute=True):  # and the notices' own commit
        for callback in callbacks:  # the commit: the task runs (in-process in the tests)
            callback()
    kinds = list(_notices(req).values_list("kind", "recipient_id", "recipient_email"))
    assert kinds == [
        ("request.new_request", officer.pk, officer.email),
        ("request.submitted", req.applicant_id, req.applicant_email),
    ]
    receipt = _notices(req).get(kind="request.submitted")
    assert req.reference in receipt.subject and req.reference in receipt.text_body
    assert "pending-" not in receipt.text_body + receipt.html_body
    assert list(NotificationAttachment.objects.values_list("name", flat=True)) == [
        f"recepisse-{req.reference}.pdf"
    ]
    assert not InformationRequest.objects.get(pk=req.pk).submission_notices_pending
    # Delivered: the applicant's e-mail carries the receipt.
    sent = [m for m in mail.outbox if m.to == [req.applicant_email]]
    assert [a[0] for a in sent[0].attachments] == [f"recepisse-{req.reference}.pdf"]


def test_the_notices_are_written_once_whoever_runs_the_task(
    submit, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        req = submit()
    assert _notices(req).count() == 2
    # The task delivered twice by the broker, or the sweeper after it: nothing more.
    assert services.send_submission_notices(req.pk) is False
    assert tasks.send_submission_notices(req.pk) is False
    with time_machine.travel(RECEIVED + dt.timedelta(hours=1), tick=False):
        assert services.send_pending_submission_notices() == 0
    assert _notices(req).count() == 2


def test_a_broker_down_never_fails_the_submission_and_the_sweeper_sends_them(
    submit, officer, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.send_submission_notices, "apply_async", down)
    with (
        caplog.at_level(logging.WARNING, logger="ati.requests.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        req = submit()
    assert req.reference == "DAI-2026-00001"
    assert "waits for the sweeper" in caplog.text
    assert not _notices(req).exists()
    # Within the grace period the task may still be on its way: the sweeper leaves it.
    with time_machine.travel(RECEIVED + dt.timedelta(seconds=10), tick=False):
        assert services.send_pending_submission_notices() == 0
    with time_machine.travel(RECEIVED + dt.timedelta(minutes=1), tick=False):
        assert tasks.send_pending_submission_notices() == 1
    assert set(_notices(req).values_list("kind", flat=True)) == {
        "request.submitted",
        "request.new_request",
    }
    assert not InformationRequest.objects.get(pk=req.pk).submission_notices_pending


def test_the_officers_notice_goes_to_each_officer_in_their_language(
    submit, body, officer, django_capture_on_commit_callbacks
):
    arabic = member(Role.OFFICER, body)
    arabic.preferred_language = "ar"
    arabic.save()
    with django_capture_on_commit_callbacks(execute=True):
        req = submit()
    to_officers = _notices(req).filter(kind="request.new_request")
    assert sorted(to_officers.values_list("recipient_id", "language")) == sorted(
        [(officer.pk, officer.preferred_language or "fr"), (arabic.pk, "ar")]
    )
    assert "طلب" in to_officers.get(recipient_id=arabic.pk).subject


def test_jobs_status_names_the_submissions_waiting_for_their_notices(
    submit, officer, monkeypatch, capsys, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        tasks.send_submission_notices, "apply_async", lambda *a, **kw: None
    )  # queued, not yet run
    with django_capture_on_commit_callbacks(execute=True):
        submit()
        submit()
    call_command("jobs_status")
    assert "submissions waiting for their notices: 2 (oldest: 2026-10-30" in capsys.readouterr().out


def test_the_sweeper_runs_every_minute(settings):
    assert {"task": "requests.send_pending_submission_notices", "schedule": 60.0} in (
        settings.CELERY_BEAT_SCHEDULE.values()
    )


def test_one_submission_whose_notices_fail_holds_up_no_other(
    submit, officer, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks.send_submission_notices, "apply_async", lambda *a, **kw: None)
    with django_capture_on_commit_callbacks(execute=True):
        broken, fine = submit(), submit()
    real = notify.request_submitted

    def fails_for_the_first(req):
        if req.pk == broken.pk:
            raise RuntimeError("template missing")
        real(req)

    monkeypatch.setattr(notify, "request_submitted", fails_for_the_first)
    with (
        caplog.at_level(logging.ERROR, logger="ati.requests.services"),
        time_machine.travel(RECEIVED + dt.timedelta(minutes=1), tick=False),
    ):
        assert services.send_pending_submission_notices() == 1
    assert f"the notices of request {broken.pk} could not be written" in caplog.text
    assert _notices(fine).count() == 2 and not _notices(broken).exists()
    # Still waiting, for the next run (and counted by jobs_status meanwhile).
    assert InformationRequest.objects.get(pk=broken.pk).submission_notices_pending


# --- polled (ATI_SUBMISSION_NOTICES=poll): the web process publishes nothing ----------


@pytest.fixture
def polled(settings):
    settings.ATI_SUBMISSION_NOTICES = "poll"


def test_polled_a_submission_publishes_nothing_and_the_next_poll_writes_its_notices(
    polled, submit, officer, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        tasks.send_submission_notices, "apply_async", lambda *a, **kw: published.append(a)
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        req = submit()
    assert published == [] and callbacks == []
    assert InformationRequest.objects.get(pk=req.pk).submission_notices_pending
    # The same second: polled, there is no grace to wait (no task can be on its way).
    assert tasks.send_pending_submission_notices() == 1
    assert set(_notices(req).values_list("kind", flat=True)) == {
        "request.submitted",
        "request.new_request",
    }
    assert not InformationRequest.objects.get(pk=req.pk).submission_notices_pending
    assert JobRun.objects.get(name="submission_notices").last_result == "1 sent"


def test_polled_a_second_with_nothing_waiting_records_no_run(polled, django_assert_num_queries):
    with django_assert_num_queries(1):  # one read of the index of waiting submissions
        assert tasks.send_pending_submission_notices() == 0
    assert not JobRun.objects.filter(name="submission_notices").exists()


def _beat_entry(**env):
    code = (
        "import json, ati.settings as s; "
        "print(json.dumps(s.CELERY_BEAT_SCHEDULE['submission-notices-pending']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return out


def test_polled_beat_asks_every_second_and_drops_a_run_that_waited_too_long():
    out = _beat_entry(ATI_SUBMISSION_NOTICES="poll")
    assert json.loads(out.stdout) == {
        "task": "requests.send_pending_submission_notices",
        "schedule": 1.0,
        "options": {"expires": 5.0},
    }
    assert json.loads(_beat_entry(ATI_SUBMISSION_NOTICES="task").stdout)["schedule"] == 60.0


def test_an_unknown_way_of_sending_notices_stops_the_settings_with_a_clear_message():
    out = _beat_entry(ATI_SUBMISSION_NOTICES="push")
    assert out.returncode != 0
    assert "ATI_SUBMISSION_NOTICES must be 'task' or 'poll', not 'push'" in out.stderr
    out = _beat_entry(ATI_SUBMISSION_NOTICES="poll", ATI_SUBMISSION_NOTICES_POLL_SECONDS="0")
    assert "ATI_SUBMISSION_NOTICES_POLL_SECONDS must be more than 0" in out.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_polling_workers_share_the_backlog_and_never_wait_for_each_other(
    settings, body, citizen, officer, clock
):
    settings.ATI_SUBMISSION_NOTICES = "poll"
    held, other = (
        services.submit_request(
            citizen,
            body=body,
            applicant=applicant_details(email=citizen.email),
            details=request_details(subject=subject),
        )
        for subject in ("Premier", "Second")
    )
    locked, release = threading.Event(), threading.Event()

    def another_worker_writing_the_first():
        try:
            with transaction.atomic():
                InformationRequest.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(30)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=another_worker_writing_the_first)
    thread.start()
    try:
        assert locked.wait(30)
        # The row another worker holds is skipped, not waited for: this one takes the rest.
        assert services.send_pending_submission_notices() == 1
        assert _notices(other).count() == 2 and not _notices(held).exists()
    finally:
        release.set()
        thread.join(30)
    assert services.send_pending_submission_notices() == 1
    assert _notices(held).count() == 2
