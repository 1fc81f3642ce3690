from __future__ import annotations

import datetime as dt

import pytest

from ati.requests import services as request_services
from tests.requests.conftest import RECEIVED, applicant_details, request_details

__all__ = ["RECEIVED", "at"]

RABAT = dt.timezone(dt.timedelta(hours=1))


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """Mid-morning in Rabat on that day (for `clock.move_to`)."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=RABAT)


@pytest.fixture
def clock():
    import time_machine

    with time_machine.travel(RECEIVED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def make_request(body, citizen, clock):
    def _make(language: str = "fr", to_body=None, **details):
        return request_services.submit_request(
            citizen,
            body=to_body or body,
            applicant=applicant_details(email=citizen.email, language=language),
            details=request_details(**details),
        )

    return _make


@pytest.fixture
def refused(make_request, officer):
    """A request refused on 2 November 2026 (state security)."""

    def _refused(language: str = "fr", **kw):
        req = make_request(language=language, **kw)
        return request_services.answer(
            officer,
            req,
            outcome="refused",
            text="Ces informations ne peuvent être communiquées.",
            grounds=["state-security"],
        )

    return _refused
