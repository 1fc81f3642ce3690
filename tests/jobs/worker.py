"""Real Celery worker processes for tests: start one on a broker, kill it, stop it.

The worker is a separate process, so it shares the test database only where
the database is a server (the PostgreSQL pass of `make test`): SQLite's test
database lives in the test process's memory, where no other process can open
it. Waiting on a worker polls the database or the disk with a bound; it never
sleeps to let logic happen.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
REDIS_URL = os.environ.get("ATI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

T = TypeVar("T")


def redis_or_skip(url: str) -> None:
    """Empty the Redis database of the test, or skip the test saying why."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"!!! Redis is not reachable at {url}: {exc} (start it: see .ci/run) !!!")


def server_database_url_or_skip() -> str:
    """The test database as a URL a worker process can open; skip on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "the worker process needs a database on a server: runs in the PostgreSQL "
            "pass (SQLite's test database is in this process's memory)"
        )
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log_path: Path
    log: IO[str]

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no rollback from the worker's side."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.log.closed:
            self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def worker_command(app: str = "ati", name: str = "ati-test") -> list[str]:
    """`celery worker --pool=solo` (the task runs in the process we may kill) on every
    queue of ATI_TASK_QUEUES: e-mail, documents, notices and the rest, as the demo's worker."""
    from django.conf import settings

    return [
        *(str(CELERY), "-A", app, "worker", "--pool=solo", "--loglevel=info"),
        *("-Q", ",".join(settings.ATI_TASK_QUEUES)),
        *("--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"{name}@%h"),
    ]


def start_worker(
    env: dict[str, str], log_path: Path, *, app: str = "ati", name: str = "ati-test"
) -> Worker:
    """One worker process (`worker_command`), its output in `log_path`."""
    environ = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONPATH": str(ROOT),  # the test-only app and e-mail backend live in tests/
        **env,
    }
    log = log_path.open("a")
    process = subprocess.Popen(
        worker_command(app, name),
        cwd=ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return Worker(process, log_path, log)


def wait_for(check: Callable[[], T], what: str, timeout: float = 60.0, **info: Any) -> T:
    """Poll ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)  # polling another process, not waiting for logic of ours
    details = {k: (v() if callable(v) else v) for k, v in info.items()}
    pytest.fail(f"{what}: not within {timeout}s {details}")


def wait_until_sent(queryset: Any, count: int, timeout: float = 60.0) -> list[Any]:
    """Wait until ``queryset`` holds ``count`` notices, all sent; return them."""
    from ati.notifications.models import Status

    def sent() -> list[Any] | None:
        rows = list(queryset.all())  # a fresh query each time
        return rows if len(rows) >= count and all(r.status == Status.SENT for r in rows) else None

    return wait_for(
        sent,
        f"{count} notices sent",
        timeout,
        rows=lambda: [(r.kind, r.status, r.attempts, r.last_error) for r in queryset.all()],
    )
