"""The outbox: written with the change, delivered after it, never lost, never twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from ati.audit.models import AuditEvent
from ati.notifications import services
from ati.notifications.models import Notification, Status
from ati.requests import services as request_services
from ati.requests.models import InformationRequest

from .conftest import RECEIVED


class SmtpDown:
    """An e-mail backend whose server does not answer."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is registered for after the commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _notice(**kw):
    values = {
        "email": "amina@example.org",
        "language": "fr",
        "rendered": services.Rendered("Sujet", "Bonjour."),
    }
    values.update(kw)
    return services.queue_notification("test.notice", **values)


def test_the_row_is_written_in_the_transaction_of_the_change(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        _notice()
        raise RuntimeError("the change fails")
    assert not Notification.objects.exists()


def test_a_notice_is_delivered_after_commit_as_text_and_html(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice = _notice()
    assert mail.outbox == [] and notice.status == Status.QUEUED
    for callback in callbacks:
        callback()
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.attempts == 1
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert 'lang="fr"' in mail.outbox[0].alternatives[0][0]


def test_the_notices_of_one_transaction_go_to_the_broker_as_one_message(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    published = []
    monkeypatch.setattr(services, "enqueue", published.append)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first, second = _notice(), _notice(email="karim@example.org")
    assert published == [[first.pk, second.pk]]


def test_a_rolled_back_transaction_leaves_nothing_for_the_next_one(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    published = []
    monkeypatch.setattr(services, "enqueue", published.append)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            _notice()
            raise RuntimeError("the change fails")
        with transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint rolled back
                _notice(email="lost@example.org")
                raise RuntimeError("the inner change fails")
            kept = _notice(email="karim@example.org")
    assert published == [[kept.pk]]


def test_a_dedup_key_queues_a_notice_once(db):
    assert _notice(dedup_key="once") is not None
    assert _notice(dedup_key="once") is None
    assert Notification.objects.count() == 1


def test_broker_down_the_change_commits_and_the_notice_goes_out_later(
    submit, broker, django_capture_on_commit_callbacks
):
    broker("redis://127.0.0.1:1/0", eager=False)  # nothing listens on port 1
    with django_capture_on_commit_callbacks(execute=True):  # the publish fails, logged
        req = submit()
    assert InformationRequest.objects.filter(pk=req.pk).exists()
    rows = Notification.objects.filter(related_id=req.pk, kind="request.submitted")
    assert not rows.exists()  # the worker never got the submission's task
    assert mail.outbox == []

    broker("memory://", eager=True)  # the broker is back: beat's sweepers run
    with time_machine.travel(RECEIVED + dt.timedelta(minutes=1), tick=False):
        assert request_services.send_pending_submission_notices() == 1
        assert rows.get().status == Status.QUEUED
        services.deliver_pending()
    assert rows.get().status == Status.SENT
    receipt = [m for m in mail.outbox if m.to == [req.applicant_email]]
    assert len(receipt) == 1
    assert receipt[0].attachments[0][0] == f"recepisse-{req.reference}.pdf"


def test_smtp_down_the_row_fails_with_backoff_then_is_sent_once(db, settings, committed):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.SmtpDown"
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        with committed():
            notice = _notice()
        notice.refresh_from_db()
        assert notice.status == Status.FAILED and notice.attempts == 1
        assert "SMTP server unreachable" in notice.last_error
        assert notice.next_attempt_at == start + dt.timedelta(minutes=1)
        services.deliver_pending()  # not due yet: nothing is tried
        notice.refresh_from_db()
        assert notice.attempts == 1
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        services.deliver_pending()
        notice.refresh_from_db()
        assert notice.attempts == 2
        assert notice.next_attempt_at == start + dt.timedelta(minutes=3)  # then 2 minutes
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
        services.deliver_pending()
        services.deliver_pending()
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.attempts == 3
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_it_waits_for_an_administrator(
    db, settings, administrator, committed
):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.SmtpDown"
    settings.ATI_NOTIFY_MAX_ATTEMPTS = 1
    with committed():
        notice = _notice()
    notice.refresh_from_db()
    assert notice.status == Status.FAILED and notice.next_attempt_at is None
    out = io.StringIO()
    call_command("jobs_status", stdout=out)
    assert "failed: 1" in out.getvalue()
    assert f"failed #{notice.pk}" in out.getvalue()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with committed():
        assert services.retry_notifications(administrator, [notice.pk]) == 1
    notice.refresh_from_db()
    assert notice.status == Status.SENT and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(
        action="notification.retried", object_id=str(notice.pk)
    ).exists()


def test_only_an_administrator_may_retry(db, officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.retry_notifications(officer, [])


def test_the_admin_lists_the_outbox_and_retries_failed_notices(
    client, db, settings, administrator, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.SmtpDown"
    with django_capture_on_commit_callbacks(execute=True):
        notice = _notice()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(administrator)
    listing = client.get("/admin/notifications/notification/?status__exact=failed")
    assert listing.status_code == 200 and "amina@example.org" in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/notifications/notification/",
            {"action": "retry", "_selected_action": [notice.pk]},
        )
    notice.refresh_from_db()
    assert notice.status == Status.SENT


def test_two_workers_never_claim_the_same_row(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notice = _notice()
    assert services.claim(notice.pk) is True
    assert services.claim(notice.pk) is False  # the second worker gets nothing
    assert services.deliver_notification(notice.pk) == ""
    # A worker that died holding the row loses it when its claim expires.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=services.claim_seconds() + 1)
    with time_machine.travel(later, tick=False):
        assert services.deliver_notification(notice.pk) == Status.SENT
    assert len(mail.outbox) == 1


def test_the_inbox_lists_my_notices_and_marks_them_read(client, citizen, submit):
    req = submit()
    client.force_login(citizen)
    home = client.get("/").content.decode()
    assert 'href="/inbox/"' in home and '<span class="badge">1</span>' in home
    page = client.get("/inbox/").content.decode()
    assert req.reference in page
    client.post("/inbox/read/")
    assert Notification.objects.filter(recipient=citizen, read_at__isnull=True).count() == 0
    assert '<span class="badge">' not in client.get("/inbox/").content.decode()


def test_jobs_status_shows_counts_runs_and_the_broker(db):
    from ati.notifications.tasks import deliver_pending, sweep_deadlines

    _notice()  # queued: its after-commit task never ran
    sweep_deadlines()
    deliver_pending()
    out = io.StringIO()
    call_command("jobs_status", stdout=out)
    text = out.getvalue()
    assert "broker: memory" in text and "sent: 1" in text and "queued: 0" in text
    assert "last run sweep_deadlines:" in text and "queued: 0; 1 runs" in text
    assert "last run deliver_pending:" in text
