"""A real Celery worker process on the real Redis: the outbox end to end.

The test database is shared with the worker, so this runs where the database
is a server (the PostgreSQL pass of `make test`); SQLite's test database
lives in this process's memory, where no other process can open it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ati.notifications.models import Notification, Status
from ati.notifications.sweep import DEEMED_REFUSAL, ESCALATION, sweep
from ati.requests import services
from ati.requests.models import InformationRequest
from tests.notifications.conftest import use_broker
from tests.requests.conftest import applicant_details, request_details

REDIS_URL = os.environ.get("ATI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")


def _database_url() -> str:
    if connection.vendor != "postgresql":
        pytest.skip(
            "the worker process needs a database on a server: runs in the PostgreSQL "
            "pass (SQLite's test database is in this process's memory)"
        )
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(tmp_path):
    _redis_or_skip()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "ATI_VAR_DIR": str(tmp_path),
        "ATI_MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the attachments this process stored
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "ati",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--without-mingle",
            "--without-gossip",
            "-n",
            "ati-test@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    use_broker(REDIS_URL, eager=False)
    try:
        yield tmp_path / "mail"
    finally:
        use_broker("memory://", eager=True)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_sent(queryset, count: int, timeout: float = 60.0) -> list[Notification]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = list(queryset.all())  # a fresh query each time
        if len(rows) >= count and all(r.status == Status.SENT for r in rows):
            return rows
        time.sleep(0.2)  # polling the database, not waiting for the logic
    pytest.fail(f"not sent within {timeout}s: {[(r.kind, r.status, r.last_error) for r in rows]}")


def test_a_worker_on_redis_delivers_event_and_sweep_notices_once(
    worker, body, officer, head, citizen
):
    req = services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(email=citizen.email),
        details=request_details(),
    )
    # After commit, `deliver` went through Redis to the worker.
    _wait_until_sent(Notification.objects.filter(related_id=req.pk), 2)

    # The due date passes: the sweep escalates to the head and tells the applicant.
    InformationRequest.objects.filter(pk=req.pk).update(
        response_due=timezone.localdate() - dt.timedelta(days=3)
    )
    assert InformationRequest.objects.overdue().filter(pk=req.pk).exists()
    assert sweep().queued == 2
    assert sweep().queued == 0
    notices = Notification.objects.filter(related_id=req.pk, kind__in=[ESCALATION, DEEMED_REFUSAL])
    sent = _wait_until_sent(notices, 2)
    assert {(n.kind, n.recipient_email) for n in sent} == {
        (ESCALATION, head.email),
        (DEEMED_REFUSAL, citizen.email),
    }

    everything = Notification.objects.exclude(recipient_email="")
    files = sorted(worker.glob("*.log"))
    mails = "".join(f.read_text() for f in files)
    assert mails.count("\nMessage-ID: ") == everything.count() == 4  # nothing sent twice
    assert "ce silence vaut refus" in mails  # the applicant's notice, in French
    assert settings.CELERY_BROKER_URL  # the test process itself stays configured


def test_a_worker_on_redis_prepares_a_proposal_with_the_french_name_model(worker, body, officer):
    """The web side only queues; the worker process loads the model and finds the name."""
    from ati.library import services as library
    from ati.library.models import Publication, PublicationState

    pub = library.propose_proactive(
        officer,
        body,
        category="reports",
        title="Le dossier de Karim Alaoui",
        text="Le dossier de Karim Alaoui, CIN AB123456, est complet.",
    )
    assert pub.state == PublicationState.PREPARING
    deadline = time.monotonic() + 120  # the worker's first French text loads the model
    while time.monotonic() < deadline:
        pub.refresh_from_db()
        if pub.state != PublicationState.PREPARING:
            break
        time.sleep(0.2)  # polling the database, not waiting for the logic
    assert pub.state == PublicationState.IN_REVIEW, pub.preparation_error
    assert {r["original"]: r["source"] for r in pub.redactions} == {
        "Karim Alaoui": "ner",
        "AB123456": "pattern",
    }
    assert pub.title == "Le dossier de [nom masqué]"
    assert Publication.objects.filter(state=PublicationState.PREPARING).count() == 0
