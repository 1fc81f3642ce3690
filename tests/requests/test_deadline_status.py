"""Working days left on the due date in force, on the body's legal calendar (issue 18)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ati.requests import selectors, services
from ati.requests.selectors import DeadlineState, QueueFilters, QueueSort

from .conftest import DUE

pytestmark = pytest.mark.django_db


def status(req, day):
    return selectors.deadline_status(req, today=day)


def test_working_days_left_skip_the_weekend_and_the_holidays(submit):
    req = submit()
    assert req.response_due == DUE  # Tuesday 1 December 2026
    # Thursday 5 November: 18 weekdays to 1 December, less 6 and 18 November (holidays).
    assert status(req, dt.date(2026, 11, 5)).days_left == 16
    assert status(req, dt.date(2026, 10, 30)).days_left == 20
    assert status(req, dt.date(2026, 10, 30)).state == DeadlineState.ON_TIME


def test_due_within_five_working_days_is_due_soon_and_six_is_not(submit):
    req = submit()
    monday, tuesday = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    assert (status(req, monday).days_left, status(req, monday).state) == (6, "on_time")
    assert (status(req, tuesday).days_left, status(req, tuesday).state) == (5, "due_soon")
    assert status(req, DUE).days_left == 0
    with translation.override("en"):
        assert status(req, DUE).days_label == "Due today"
        assert status(req, tuesday).days_label == "5 working days left"


def test_overdue_counts_working_days_late_and_is_negative(submit):
    req = submit()
    wednesday, saturday = dt.date(2026, 12, 2), dt.date(2026, 12, 5)
    assert status(req, wednesday).days_left == -1
    assert status(req, wednesday).state == DeadlineState.OVERDUE
    assert status(req, saturday).days_left == -3  # 2, 3 and 4 December
    with translation.override("en"):
        assert status(req, wednesday).days_label == "Overdue by 1 working day"
        assert status(req, saturday).days_label == "Overdue by 3 working days"
    with translation.override("fr"):
        assert "3 jours ouvrables" in status(req, saturday).days_label


def test_urgent_stands_out_until_it_is_overdue(submit):
    req = submit(urgent=True, urgency_reason="Santé d'un enfant.")
    assert status(req, dt.date(2026, 10, 30)).state == DeadlineState.URGENT
    assert status(req, req.response_due + dt.timedelta(days=7)).state == DeadlineState.OVERDUE


def test_the_clock_stopped_or_the_answer_given_has_no_days_left(submit, officer):
    req = submit()
    services.request_clarification(officer, req, question="Quelle année ?")
    req.refresh_from_db()
    paused = status(req, dt.date(2026, 12, 20))
    assert paused.state == DeadlineState.PAUSED and paused.days_left is None
    other = submit()
    services.answer(officer, other, outcome="granted", text="Voici.")
    other.refresh_from_db()
    assert status(other, dt.date(2026, 11, 2)) is None


def test_a_page_of_deadlines_costs_no_query_per_row(submit, officer):
    for _ in range(6):
        submit()
    rows = list(selectors.queue(officer, QueueFilters()))
    selectors.deadline_statuses(rows[:1])  # the process's calendar cache, once
    with CaptureQueriesContext(connection) as queries:
        statuses = selectors.deadline_statuses(rows, today=dt.date(2026, 11, 24))
    assert len(queries) == 0
    assert {s.state for s in statuses.values()} == {DeadlineState.DUE_SOON}


def test_filters_pick_exactly_the_rows_with_the_tag(submit, officer, clock):
    ordinary, urgent, paused = submit(), submit(urgent=True, urgency_reason="Santé."), submit()
    services.request_clarification(officer, paused, question="Quelle année ?")
    clock.move_to(dt.datetime(2026, 11, 24, 9, 0))  # 5 working days before 1 December

    def refs(**kw):
        return {r.reference for r in selectors.queue(officer, QueueFilters(**kw))}

    assert refs(deadline="due_soon") == {ordinary.reference}
    assert refs(deadline="overdue") == {urgent.reference}  # due in 3 working days, long past
    assert refs(deadline="paused") == {paused.reference}
    assert refs(deadline="on_time") == set()
    assert refs(due_within=4) == {urgent.reference}
    assert refs(due_within=5) == {urgent.reference, ordinary.reference}
    clock.move_to(dt.datetime(2026, 11, 23, 9, 0))
    assert refs(deadline="on_time") == {ordinary.reference}
    counts = selectors.queue_counts(officer)
    assert (counts["overdue"], counts["due_soon"], counts["urgent"]) == (1, 0, 1)


def test_sorting_by_days_left_puts_stopped_clocks_last_and_urgent_first(submit, officer, clock):
    paused = submit()
    services.request_clarification(officer, paused, question="Quelle année ?")
    clock.move_to(dt.datetime(2026, 11, 2, 9, 0))
    later = submit()
    urgent = submit(urgent=True, urgency_reason="Santé.")

    def order(sort):
        return [r.reference for r in selectors.queue(officer, QueueFilters(sort=sort))]

    assert order(QueueSort.DAYS_LEFT) == [urgent.reference, later.reference, paused.reference]
    # By the stored date, the stopped clock's 1 December comes before the later request's.
    assert order(QueueSort.DUE) == [urgent.reference, paused.reference, later.reference]
    assert order(QueueSort.URGENT)[0] == urgent.reference


def test_every_queue_row_says_the_working_days_left_in_words(client, submit, officer):
    submit()
    client.force_login(officer)
    html = client.get("/office/", headers={"accept-language": "fr"}).content.decode()
    assert "20 jours ouvrables restants" in html
    assert "Dans le délai" in html and 'class="tag tag-on_time"' in html
    # "0 overdue" is good news: no alarm class on the chip.
    assert '<li class="overdue">' not in html


def test_the_queue_counts_up_to_the_cap_and_pages_by_fifty(
    client, submit, officer, settings, monkeypatch
):
    from ati.requests import views

    assert views.QUEUE_PAGE_SIZE == 50
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    settings.ATI_LIST_COUNT_CAP = 3
    refs = [submit().reference for _ in range(5)]
    client.force_login(officer)
    first = client.get("/office/?sort=due", headers={"accept-language": "en"}).content.decode()
    assert "3+ requests" in first
    assert [ref in first for ref in refs] == [True, True, False, False, False]
    assert "sort=due&amp;page=2" in first
    second = client.get("/office/?sort=due&page=2").content.decode()
    assert refs[2] in second and refs[1] not in second
    settings.ATI_LIST_COUNT_CAP = 10
    assert (
        "5 requests" in client.get("/office/", headers={"accept-language": "en"}).content.decode()
    )


def test_the_request_page_opens_with_what_to_do_by_when_for_the_body_only(
    client, submit, officer, citizen
):
    req = submit()
    client.force_login(officer)
    html = client.get(f"/requests/{req.reference}/", headers={"accept-language": "fr"}).content
    page = html.decode()
    assert "À faire maintenant" in page and "20 jours ouvrables restants" in page
    assert page.index("deadline-panel") < page.index('id="facts-h"')
    client.force_login(citizen)
    page = client.get(f"/requests/{req.reference}/").content.decode()
    assert "deadline-panel" not in page


def test_the_queue_page_reads_as_many_queries_for_many_rows_as_for_few(
    client, submit, officer, department
):
    client.force_login(officer)

    def queries():
        client.get("/office/")  # the session's first page reads more (the second factor)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/office/").status_code == 200
        return len(captured)

    submit()
    few = queries()
    for _ in range(6):
        services.assign(officer, submit(), department=department)
    assert queries() == few
