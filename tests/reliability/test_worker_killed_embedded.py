"""The embedded default (SQLite file, filesystem broker): a killed worker's notice goes out once.

The filesystem broker removes a message when a worker takes it, so a worker
killed mid-task loses the message for good (unlike Redis, which gives it back):
the outbox row is what remembers the work. Once its claim expires,
`deliver_pending` (beat, every minute) sends it, once. The database and the
broker are the scenario's own (`tests/reliability/embedded.py`), so this runs
in the SQLite pass; the PostgreSQL pass runs the same faults on Redis.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from email import message_from_string

import pytest
from django.db import connection

from tests.jobs.worker import ROOT, start_worker, wait_for

from .conftest import CLAIM_SECONDS


@pytest.fixture
def embedded(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default runs in the SQLite pass (this pass runs it on Redis)")
    (tmp_path / "held").mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/ati.sqlite3",
        "ATI_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "tests.reliability.faults.HoldingEmailBackend",
        "ATI_NOTIFY_CLAIM_SECONDS": str(CLAIM_SECONDS),
        "ATI_TEST_HOLD_DIR": str(tmp_path / "held"),
        "PYTHONPATH": str(ROOT),
    }
    workers = []

    def step(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "tests.reliability.embedded", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=180,
        ).stdout.strip()

    def worker(hold_at: str = ""):
        n = len(workers) + 1
        process = start_worker(
            {**env, "ATI_TEST_HOLD_AT": hold_at},
            tmp_path / f"worker-{n}.log",
            app="tests.reliability.faults",
            name=f"w{n}",
        )
        workers.append(process)
        return process

    try:
        yield tmp_path, step, worker
    finally:
        for process in workers:
            process.stop()


def test_on_the_embedded_default_a_killed_workers_notice_goes_out_once(embedded):
    var, step, worker = embedded
    request_id = step("setup")  # one deliver task for its notices waits in var/broker/in/

    def notices():
        """The request's notices, by address, read from the scenario's SQLite file."""
        with closing(sqlite3.connect(var / "ati.sqlite3", timeout=20)) as db:
            rows = db.execute(
                "SELECT n.id, n.recipient_email, n.status, n.attempts, a.file"
                " FROM notifications_notification n LEFT JOIN"
                " notifications_notificationattachment a ON a.notification_id = n.id"
                " WHERE n.related_id = ?",
                [int(request_id)],
            ).fetchall()
        return {
            email: {"pk": pk, "email": email, "status": status, "attempts": n, "file": file}
            for pk, email, status, n, file in rows
        }

    first = worker(hold_at="mail")
    wait_for(lambda: list((var / "held").glob("held-mail-*")), "the first worker holding a send")
    first.kill()
    receipt = next(n for n in notices().values() if n["file"])
    assert receipt["status"] == "sending" and receipt["attempts"] == 1
    assert not list((var / "mail").glob("*.log"))

    second = worker()
    # One broker message carried the notices of the submission's transaction, and it
    # died with the first worker: the folder is empty, and the rows remember the work
    # (the receipt claimed, the officer's notice still queued).
    assert not list((var / "broker" / "in").iterdir())
    rows = notices()
    assert rows[receipt["email"]]["status"] == "sending"
    assert all(n["status"] == "queued" for email, n in rows.items() if email != receipt["email"])
    time.sleep(CLAIM_SECONDS + 0.5)  # the dead worker's claim expires
    step("beat")  # what beat does every minute: the expired claim is delivered again

    def all_sent():
        rows = notices()
        return rows if all(n["status"] == "sent" for n in rows.values()) else None

    final = wait_for(all_sent, "every notice sent", log=second.output)
    assert final[receipt["email"]]["attempts"] == 2
    messages = [message_from_string(p.read_text()) for p in (var / "mail").glob("*.log")]
    assert sorted(m["To"] for m in messages) == sorted(final)  # one e-mail per notice
    assert final[receipt["email"]]["file"] == receipt["file"]  # the receipt made once
    folder = var / "media" / "notifications" / str(receipt["pk"])
    assert len(list(folder.iterdir())) == 1
