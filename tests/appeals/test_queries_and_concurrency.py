"""The dashboard reads in a fixed number of queries; two decisions at once get distinct,
gapless numbers (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from ati.appeals import selectors, services
from ati.appeals.models import Decision, Ground
from ati.requests import services as request_services
from tests.factories import member


def _appeal_ready(make_request, officer, commissioner, head):
    req = make_request()
    request_services.answer(
        officer, req, outcome="refused", text="Non.", grounds=["state-security"]
    )
    complaint = services.file_complaint(req.applicant, req, ground=Ground.REFUSAL, reasons="Non.")
    services.confirm_complaint(head, complaint, text="Oui.")
    appeal = services.file_appeal(req.applicant, req, reasons="Appel.")
    services.declare_admissible(commissioner, appeal)
    services.request_observations(commissioner, appeal, note="?")
    return appeal


@pytest.mark.django_db
def test_the_dashboard_has_no_n_plus_one(client, make_request, officer, commissioner, head, clock):
    client.force_login(commissioner)
    _appeal_ready(make_request, officer, commissioner, head)
    # The first page after signing in notes the staff member's second factor in the session.
    client.get("/commission/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/commission/").status_code == 200
    for _ in range(3):
        appeal = _appeal_ready(make_request, officer, commissioner, head)
        services.assign_rapporteur(commissioner, appeal, rapporteur=commissioner)
    with CaptureQueriesContext(connection) as four:
        assert client.get("/commission/").status_code == 200
    assert len(four) == len(one)
    assert len(list(selectors.dashboard(selectors.DashboardFilters()))) == 4


def _race(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_decisions_get_distinct_gapless_numbers(
    make_request, officer, commissioner, body, clock
):
    head = member("head_of_body", body)
    appeals = [_appeal_ready(make_request, officer, commissioner, head) for _ in range(4)]
    results, errors = _race(
        [
            (
                lambda a=a: services.decide(
                    commissioner, a.pk, decision=Decision.CONFIRMED, reasons="Fondé."
                )
            )
            for a in appeals
        ]
    )
    assert not errors
    assert sorted(r.decision_number for r in results) == [f"CDAI-2026-{n:04d}" for n in range(1, 5)]
