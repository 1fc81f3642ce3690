"""Faults injected into a real worker process, switched on by environment variables.

Only the reliability tests start workers with them: ``celery -A
tests.reliability.faults worker`` (the ati app, plus these hooks) and
``EMAIL_BACKEND=tests.reliability.faults.HoldingEmailBackend``. With
``ATI_TEST_HOLD_DIR=<folder>`` and ``ATI_TEST_HOLD_AT=<point>``, the worker
writes ``<folder>/held-<point>-<pid>`` when it reaches that point and then
waits there until the test kills it:

* ``mail``: in the e-mail backend, after the notice was claimed and its
  documents made, before anything is written to the outbox of mails;
* ``mail-sent``: in the e-mail backend, once the message is written, before
  the row is marked sent (the window that at-least-once cannot close);
* ``sweep``: in the deadline sweep, after the request sweeper's notices were
  inserted, before the sweep's transaction commits.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from celery import signals
from django.core.mail.backends.filebased import EmailBackend

from ati.celery import app

__all__ = ["HoldingEmailBackend", "app"]

# A killed worker's message comes back after the visibility timeout: scan for it every
# second instead of every 100 (kombu's default), so that the test waits seconds.
app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


def hold(point: str) -> None:
    """At ``point``, if the test asked for it: say so on disk, then wait to be killed."""
    folder = os.environ.get("ATI_TEST_HOLD_DIR")
    if not folder or os.environ.get("ATI_TEST_HOLD_AT") != point:
        return
    Path(folder, f"held-{point}-{os.getpid()}").write_text(point)
    while True:  # only SIGKILL ends this
        time.sleep(0.05)


class HoldingEmailBackend(EmailBackend):
    """The file backend (``EMAIL_FILE_PATH``), held before it writes when asked."""

    def send_messages(self, email_messages: Any) -> int:
        hold("mail")
        sent = super().send_messages(email_messages)
        hold("mail-sent")
        return sent


class HoldingSweeper:
    """Registered last: the request sweeper's rows are inserted, uncommitted, when it holds."""

    name = "tests.hold"

    def notices(self, today: dt.date) -> Iterator[Any]:
        hold("sweep")
        return iter(())


@signals.task_prerun.connect
def _install_sweep_hold(**kwargs: Any) -> None:
    from ati.notifications.sweep import register_sweeper

    register_sweeper(HoldingSweeper())
