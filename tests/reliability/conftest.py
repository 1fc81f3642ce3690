"""Workers that the reliability tests start, hold at a point, kill and replace."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from ati.requests import services
from tests.appeals.conftest import clock, make_request, refused
from tests.jobs.worker import (
    Worker,
    redis_or_skip,
    server_database_url_or_skip,
    start_worker,
)
from tests.notifications.conftest import use_broker
from tests.requests.conftest import applicant_details, request_details

__all__ = ["clock", "make_request", "refused"]  # the appeals scenarios' fixtures, reused

#: Their own Redis database, apart from tests/jobs (15) and the demo (0).
REDIS_URL = os.environ.get("ATI_TEST_RELIABILITY_REDIS_URL", "redis://127.0.0.1:6379/11")
#: The claim a dead worker leaves on a notice, and the time Redis keeps its message,
#: shortened from 300 s and one hour so that the test waits seconds.
CLAIM_SECONDS = 1
VISIBILITY_SECONDS = 2


@dataclass
class Cluster:
    """Worker processes sharing the test database and a broker; the test kills some."""

    env: dict[str, str]
    var: Path
    broker_url: str
    workers: list[Worker] = field(default_factory=list)

    @property
    def held(self) -> Path:
        return self.var / "held"

    @property
    def mail(self) -> Path:
        return self.var / "mail"

    def start(self, hold_at: str = "") -> Worker:
        env = {**self.env, "ATI_TEST_HOLD_DIR": str(self.held), "ATI_TEST_HOLD_AT": hold_at}
        n = len(self.workers) + 1
        worker = start_worker(
            env, self.var / f"worker-{n}.log", app="tests.reliability.faults", name=f"w{n}"
        )
        self.workers.append(worker)
        return worker

    def mails(self) -> list[str]:
        return [p.read_text() for p in sorted(self.mail.glob("*.log"))]


def submit(body, citizen, **details):
    """A citizen's request, submitted now (its notices go to the broker after commit)."""
    return services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(email=citizen.email),
        details=request_details(**details),
    )


@pytest.fixture
def redis_cluster(tmp_path):
    """Workers on Redis (db 11 unless ATI_TEST_REDIS_URL says otherwise) and PostgreSQL."""
    database_url = server_database_url_or_skip()
    url = REDIS_URL
    redis_or_skip(url)
    (tmp_path / "held").mkdir()
    cluster = Cluster(
        {
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": url,
            "ATI_VAR_DIR": str(tmp_path),
            "ATI_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "EMAIL_BACKEND": "tests.reliability.faults.HoldingEmailBackend",
            "ATI_NOTIFY_CLAIM_SECONDS": str(CLAIM_SECONDS),
            "ATI_BROKER_VISIBILITY_SECONDS": str(VISIBILITY_SECONDS),
        },
        tmp_path,
        url,
    )
    use_broker(url, eager=False)
    try:
        yield cluster
    finally:
        use_broker("memory://", eager=True)
        for worker in cluster.workers:
            worker.stop()
