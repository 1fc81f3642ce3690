from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from ati.celery import app
from ati.requests import services
from tests.requests.conftest import applicant_details, request_details

# Friday 30 October 2026 in Rabat: due Tuesday 1 December 2026 (6 and 18 November are holidays).
RECEIVED = dt.datetime(2026, 10, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
DUE = dt.date(2026, 12, 1)


@pytest.fixture
def clock():
    with time_machine.travel(RECEIVED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def submit(body, citizen, clock, django_capture_on_commit_callbacks):
    def _submit(**details):
        with django_capture_on_commit_callbacks(execute=True):
            return services.submit_request(
                citizen,
                body=body,
                applicant=applicant_details(email=citizen.email),
                details=request_details(**details),
            )

    return _submit


def use_broker(url: str, *, eager: bool) -> None:
    """Point the Celery app at another broker (Celery caches the URL and its pools)."""
    for key in ("broker_url", "broker_write_url", "broker_read_url"):
        setattr(app.conf, key, url)
    app.conf.broker_transport_options = (
        {
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.5,
            "socket_connect_timeout": 2,
        }
        if url.startswith("redis")
        else {}
    )
    app.conf.task_always_eager = eager
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker():
    """Use a broker for one test, then go back to in-process tasks."""
    yield use_broker
    use_broker("memory://", eager=True)
