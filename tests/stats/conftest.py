from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from ati.accounts.models import Role
from ati.requests import services
from ati.stats.compute import refresh_stats
from tests.factories import DepartmentFactory, member
from tests.requests.conftest import applicant_details, request_details

TZ = dt.timezone(dt.timedelta(hours=1))  # Africa/Casablanca in 2026
#: The day the figures are computed: after every answer below.
TODAY = dt.date(2026, 12, 15)
#: A name and an identity number that must never reach the open data.
PLANTED_NAME = "Zineb Planted-Applicant"
PLANTED_CIN = "ZZ998877"


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(noon(dt.date(2026, 9, 1)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def scenario(db, clock, body, other_body, citizen):
    """Requests in every outcome and timing, made through the services.

    Received on Friday 30 October 2026 unless said otherwise; due on Tuesday
    1 December (20 working days, skipping the holidays of 6 and 18 November).
    """
    # Names without digits: PDF text extraction puts Arabic and digits in visual order.
    body.name_fr, body.name_ar = "Ministère de la Transparence", "وزارة الشفافية"
    body.save()
    department = DepartmentFactory(body=body)
    officer = member(Role.OFFICER, body)
    other_officer = member(Role.OFFICER, other_body)
    made: dict[str, object] = {}

    def record(
        key: str, received: dt.date, *, on=body, urgent: bool = False, who=None, **applicant
    ):
        clock.move_to(noon(received))
        details = request_details(
            subject=f"Demande {key}",
            urgent=urgent,
            urgency_reason="Une vie en dépend." if urgent else "",
        )
        if who is citizen:  # online, by the applicant, who may then withdraw it
            req = services.submit_request(
                citizen, body=on, details=details, applicant=applicant_details(email=citizen.email)
            )
        else:
            req = services.submit_request(
                officer if on == body else other_officer,
                body=on,
                applicant=applicant_details(**applicant),
                details=details,
                channel="post",
                received_on=received,
            )
        made[key] = req
        return req

    def answer(req, day: dt.date, outcome: str, *, by=None, **kw):
        clock.move_to(noon(day))
        return services.answer(by or officer, req, outcome=outcome, text="Réponse.", **kw)

    oct30 = dt.date(2026, 10, 30)
    # Answered on 10 November: 6 working days (2-5 and 9-10 November; 6 November is a holiday).
    answer(record("granted_fast", oct30), dt.date(2026, 11, 10), "granted")
    req = record(
        "refused_late",
        oct30,
        first_name="Zineb",
        last_name="Planted-Applicant",
        id_number=PLANTED_CIN,
    )
    clock.move_to(noon(dt.date(2026, 11, 2)))
    services.assign(officer, req, department=department)
    answer(req, dt.date(2026, 12, 2), "refused", grounds=["state-security", "private-life"])
    answer(
        record("partial_on_due_date", oct30),
        dt.date(2026, 12, 1),
        "partially_granted",
        grounds=["private-life"],
        withheld="Les noms des agents.",
    )
    answer(record("not_held", oct30), dt.date(2026, 11, 5), "not_held", holder="Un autre")
    closed = answer(
        record("granted_then_closed", dt.date(2026, 9, 14)), dt.date(2026, 10, 2), "granted"
    )
    services.close(officer, closed)
    # Transferred on 3 November; the new request at the other body is answered on 20 November.
    transferred = record("transferred", oct30)
    clock.move_to(noon(dt.date(2026, 11, 3)))
    services.transfer(
        officer, transferred, to_body=other_body, reason="Elle détient l'information."
    )
    copy = transferred.__class__.objects.get(transferred_from=transferred)
    made["transferred_copy"] = copy
    answer(copy, dt.date(2026, 11, 20), "granted", by=other_officer)
    withdrawn = record("withdrawn", oct30, who=citizen)
    clock.move_to(noon(dt.date(2026, 11, 4)))
    services.withdraw(citizen, withdrawn, reason="Plus besoin.")
    record("open_past_deadline", oct30)
    clarification = record("awaiting_clarification", dt.date(2026, 11, 2))
    clock.move_to(noon(dt.date(2026, 11, 3)))
    services.request_clarification(officer, clarification, question="Quelle année ?")
    record("open_within_deadline", dt.date(2026, 12, 14))
    # Urgent: 3 working days, answered after 4 (late).
    answer(record("urgent_late", dt.date(2026, 9, 7), urgent=True), dt.date(2026, 9, 11), "granted")
    answer(
        record("other_body_on_time", dt.date(2026, 9, 7), on=other_body),
        dt.date(2026, 9, 9),
        "refused",
        by=other_officer,
        grounds=["national-defence"],
    )
    clock.move_to(noon(TODAY))
    snapshot = refresh_stats(today=TODAY)
    return {
        "snapshot": snapshot,
        "requests": made,
        "body": body,
        "other_body": other_body,
        "department": department,
    }


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test database starts its snapshot ids again: forget the previous test's."""
    from django.core.cache import cache

    from ati.stats.selectors import forget_snapshot

    forget_snapshot()
    cache.clear()
    yield
    forget_snapshot()
    cache.clear()
