"""A worker killed mid-task (SIGKILL): the task runs again and its effect happens once.

Real `celery worker` processes on Redis share the PostgreSQL test database
(`tests/jobs/worker.py`). A fault hook (`tests/reliability/faults.py`) holds
the first worker in the middle of the task; the test kills it there, starts
another worker, and counts what was sent. The broker gives a task at least
once (acks_late, reject_on_worker_lost, Redis's visibility timeout); the
outbox row's claim and the sweep's dedup keys make the effect happen once.
"""

from __future__ import annotations

import datetime as dt
import email
import time

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from ati.notifications.models import JobRun, Notification, Status
from ati.notifications.tasks import sweep_deadlines
from ati.requests.models import InformationRequest
from ati.requests.services import send_submission_notices
from ati.requests.sweep import DEEMED_REFUSAL, ESCALATION
from tests.jobs.worker import wait_for, wait_until_sent

from .conftest import CLAIM_SECONDS, VISIBILITY_SECONDS, submit

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _messages(cluster) -> list[email.message.Message]:
    """Every message sent: Django's file backend writes one file per connection, and a
    worker that sends several notices on one connection writes them in one file, each
    followed by a line of 79 dashes."""
    separator = "\n" + "-" * 79 + "\n"
    return [
        email.message_from_string(text)
        for content in cluster.mails()
        for text in content.split(separator)
        if text.strip()
    ]


def _broker_is_empty(cluster) -> bool:
    """No message waiting, none taken and unacknowledged: nothing can run again later."""
    client = redis.Redis.from_url(cluster.broker_url)
    waiting = sum(client.llen(queue) for queue in settings.ATI_TASK_QUEUES)
    return not waiting and not client.hlen("unacked")


def test_a_worker_killed_while_sending_the_receipt_sends_it_once(
    redis_cluster, body, officer, citizen
):
    cluster = redis_cluster
    first = cluster.start(hold_at="mail")
    req = submit(body, citizen)
    # After commit, two deliver tasks went to Redis: the applicant's receipt, the officer's notice.
    wait_for(lambda: list(cluster.held.glob("held-mail-*")), "the first worker holding a send")
    receipt = Notification.objects.get(related_id=req.pk, recipient_email=citizen.email)
    assert receipt.status == Status.SENDING and receipt.attempts == 1
    made = receipt.attachments.get()
    assert made.file, "the receipt PDF is made (and stored) before the e-mail is sent"

    first.kill()
    killed = time.monotonic()
    assert cluster.mails() == []  # nothing left the dead worker
    receipt.refresh_from_db()
    assert receipt.status == Status.SENDING  # still claimed by the dead worker

    # Redis gives the task back once its visibility timeout has passed; the claim has
    # expired by then, so the new worker's attempt is the one that sends.
    second = cluster.start()
    sent = wait_until_sent(Notification.objects.filter(related_id=req.pk), 2)
    assert time.monotonic() - killed >= min(CLAIM_SECONDS, VISIBILITY_SECONDS)
    receipt.refresh_from_db()
    assert receipt.attempts == 2  # the dead worker's attempt, then the new one

    messages = _messages(cluster)
    assert sorted(m["To"] for m in messages) == sorted(n.recipient_email for n in sent)
    assert len({m["Message-ID"] for m in messages}) == 2  # each notice once
    (to_applicant,) = [m for m in messages if m["To"] == citizen.email]
    pdfs = [p for p in to_applicant.walk() if p.get_content_type() == "application/pdf"]
    assert [p.get_filename() for p in pdfs] == [f"recepisse-{req.reference}.pdf"]
    # Made once: the stored file is the one sent, and no second file was written.
    folder = settings.MEDIA_ROOT / "notifications" / str(receipt.pk)
    assert [p.name for p in folder.iterdir()] == [made.file.name.rsplit("/", 1)[-1]]
    assert pdfs[0].get_payload(decode=True) == made.file.open("rb").read()
    # The task the dead worker held was given back and acknowledged: nothing is left
    # in Redis that could send a third copy later.
    wait_for(lambda: _broker_is_empty(cluster), "Redis emptied", log=second.output)


def test_a_worker_killed_in_the_middle_of_the_sweep_queues_each_notice_once(
    redis_cluster, body, head, citizen
):
    cluster = redis_cluster
    req = submit(body, citizen)
    # The submission's own notices are not counted here: written now (the worker's task
    # then finds them written) and marked sent before any worker starts, their deliver
    # tasks find nothing to do.
    assert send_submission_notices(req.pk)
    assert Notification.objects.filter(related_id=req.pk).update(status=Status.SENT)
    InformationRequest.objects.filter(pk=req.pk).update(
        response_due=timezone.localdate() - dt.timedelta(days=3)
    )
    overdue = Notification.objects.filter(related_id=req.pk, kind__in=[ESCALATION, DEEMED_REFUSAL])

    first = cluster.start(hold_at="sweep")
    sweep_deadlines.delay()
    wait_for(lambda: list(cluster.held.glob("held-sweep-*")), "the first worker holding the sweep")
    # Inserted in the sweep's transaction, which has not committed: nobody sees them.
    assert not overdue.exists()
    first.kill()  # PostgreSQL rolls the transaction back and frees the sweep's lock

    second = cluster.start()
    sent = wait_until_sent(overdue, 2)
    assert {(n.kind, n.recipient_email) for n in sent} == {
        (ESCALATION, head.email),
        (DEEMED_REFUSAL, citizen.email),
    }
    assert all(n.attempts == 1 for n in sent)
    wait_for(lambda: _broker_is_empty(cluster), "Redis emptied", log=second.output)
    assert overdue.count() == 2
    assert len(_messages(cluster)) == 2
    run = JobRun.objects.get(name="sweep_deadlines")
    assert run.last_ok and run.last_result == "queued: 2" and run.runs == 1


def test_a_worker_killed_after_the_mail_left_sends_a_copy_with_the_same_message_id(
    redis_cluster, body, officer, citizen
):
    """The window at-least-once leaves open, kept as narrow as one UPDATE and documented.

    The mail server accepted the message; the worker dies before the row says
    "sent". Nothing tells the outbox that the message left, so it is sent again
    when the claim expires — with the same Message-ID, which mail stores and
    clients use to show one message.
    """
    cluster = redis_cluster
    first = cluster.start(hold_at="mail-sent")
    req = submit(body, citizen)
    wait_for(lambda: list(cluster.held.glob("held-mail-sent-*")), "the first worker after a send")
    first.kill()
    second = cluster.start()
    wait_until_sent(Notification.objects.filter(related_id=req.pk), 2)
    wait_for(lambda: _broker_is_empty(cluster), "Redis emptied", log=second.output)
    receipt = Notification.objects.get(related_id=req.pk, recipient_email=citizen.email)
    copies = [m for m in _messages(cluster) if m["To"] == citizen.email]
    assert len(copies) == 2 and receipt.attempts == 2
    message_id = f"<notification-{receipt.pk}@ati.localhost>"
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"] == message_id
    # The receipt was made once and both copies carry the same document.
    assert receipt.attachments.count() == 1
    folder = settings.MEDIA_ROOT / "notifications" / str(receipt.pk)
    assert len(list(folder.iterdir())) == 1
