"""What `manage.py jobs_status` reports beyond the outbox and the job runs.

An app above notifications (docs/architecture.md) whose work waits for the worker
registers a reporter in its ready(): ``reporter()`` returns the lines to print
(the library: its proposals being prepared).
"""

from __future__ import annotations

from collections.abc import Callable

Reporter = Callable[[], list[str]]

REPORTERS: list[Reporter] = []


def register_reporter(reporter: Reporter) -> None:
    if reporter not in REPORTERS:
        REPORTERS.append(reporter)
