"""Two people acting at the same moment: one wins, the other is told (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from ati.core.errors import TransitionConflict
from ati.requests import services
from ati.requests.models import InformationRequest, State

from .conftest import applicant_details, request_details

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(functions):
    """Run the functions in threads released together; return (results, errors)."""
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


def test_two_officers_answering_at_once_one_wins_the_other_gets_a_conflict(
    body, citizen, officer, clock
):
    from tests.factories import member

    second_officer = member("officer", body)
    req = services.submit_request(
        citizen,
        body=body,
        details=request_details(),
        applicant=applicant_details(email=citizen.email),
    )
    results, errors = _race(
        [
            lambda: services.answer(officer, req.pk, outcome="granted", text="Réponse A"),
            lambda: services.answer(second_officer, req.pk, outcome="not_held", text="Réponse B"),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], TransitionConflict) and errors[0].state == State.ANSWERED
    req.refresh_from_db()
    assert req.answer_text == results[0].answer_text


def test_simultaneous_submissions_get_unique_gapless_references(body, citizen, clock):
    n = 8
    _results, errors = _race(
        [
            (
                lambda: services.submit_request(
                    citizen,
                    body=body,
                    details=request_details(),
                    applicant=applicant_details(email=citizen.email),
                )
            )
            for _ in range(n)
        ]
    )
    assert errors == []
    references = sorted(InformationRequest.objects.values_list("reference", flat=True))
    assert references == [f"DAI-2026-{i:05d}" for i in range(1, n + 1)]


def test_per_body_numbering_gives_each_body_its_own_gapless_sequence(
    body, other_body, citizen, clock, settings
):
    """Decision 0016: with ATI_REFERENCE_SCOPE=body, submissions to two bodies at once."""
    settings.ATI_REFERENCE_SCOPE = "body"
    n = 4

    def submit_to(to):
        return lambda: services.submit_request(
            citizen,
            body=to,
            details=request_details(),
            applicant=applicant_details(email=citizen.email),
        )

    _results, errors = _race([submit_to(b) for b in (body, other_body) for _ in range(n)])
    assert errors == []
    for b in (body, other_body):
        references = sorted(
            InformationRequest.objects.filter(body=b).values_list("reference", flat=True)
        )
        assert references == [f"DAI-2026-{b.code}-{i:05d}" for i in range(1, n + 1)]
