from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from ati.requests import services

# Friday 30 October 2026, mid-morning in Rabat: 20 working days later, skipping
# 6 and 18 November (holidays), the answer is due on Tuesday 1 December 2026.
RECEIVED = dt.datetime(2026, 10, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
DUE = dt.date(2026, 12, 1)


@pytest.fixture
def clock():
    with time_machine.travel(RECEIVED, tick=False) as traveller:
        yield traveller


def applicant_details(**overrides):
    values = {
        "first_name": "Amina",
        "last_name": "Ouazzani",
        "address": "12 rue Oued Fès, Rabat",
        "id_number": "AB123456",
        "email": "amina@example.org",
        "phone": "0661 23 45 67",
        "language": "fr",
    }
    values.update(overrides)
    return services.ApplicantDetails(**values)


def request_details(**overrides):
    values = {
        "subject": "Budget des hôpitaux 2025",
        "information_requested": "Le budget exécuté des hôpitaux de la région en 2025.",
    }
    values.update(overrides)
    return services.RequestDetails(**values)


@pytest.fixture
def submit(body, citizen, clock):
    def _submit(actor=None, **details):
        return services.submit_request(
            actor or citizen,
            body=body,
            applicant=applicant_details(email=citizen.email),
            details=request_details(**details),
        )

    return _submit
