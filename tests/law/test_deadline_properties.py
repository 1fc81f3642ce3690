"""Properties every calendar must satisfy, checked against a naive day-by-day reference."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ati.law.deadlines import Period, Unit, WorkingCalendar, add_period, working_days_between

START = date(2025, 1, 1)
END = date(2029, 12, 31)

dates = st.dates(min_value=START, max_value=date(2027, 12, 31))
weekends = st.frozensets(st.integers(0, 6), max_size=3)
closed_sets = st.sets(st.dates(min_value=START, max_value=END), max_size=80)
amounts = st.integers(min_value=1, max_value=120)


@st.composite
def calendars(draw) -> WorkingCalendar:
    return WorkingCalendar(
        weekend=draw(weekends), closed=dict.fromkeys(draw(closed_sets), "closed")
    )


def naive_add_working_days(start: date, n: int, calendar: WorkingCalendar) -> date:
    """The law read literally: walk forward, counting each working day after receipt."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day.weekday() not in calendar.weekend and day not in calendar.closed:
            counted += 1
    return day


@settings(max_examples=300, deadline=None)
@given(calendars(), dates, amounts)
def test_add_period_agrees_with_counting_day_by_day(calendar, start, n):
    assert add_period(start, Period(n, Unit.WORKING_DAYS), calendar).due == (
        naive_add_working_days(start, n, calendar)
    )


@settings(max_examples=200, deadline=None)
@given(calendars(), dates, st.integers(0, 120), st.sampled_from(list(Unit)))
def test_a_due_date_is_always_a_working_day(calendar, start, n, unit):
    assert calendar.is_working_day(add_period(start, Period(n, unit), calendar).due)


@settings(max_examples=200, deadline=None)
@given(calendars(), dates, amounts, amounts)
def test_adding_n_then_m_working_days_equals_adding_n_plus_m(calendar, start, n, m):
    first = add_period(start, Period(n, Unit.WORKING_DAYS), calendar)
    then = add_period(first.due, Period(m, Unit.WORKING_DAYS), calendar)
    assert then.due == add_period(start, Period(n + m, Unit.WORKING_DAYS), calendar).due


@settings(max_examples=200, deadline=None)
@given(calendars(), closed_sets, dates, st.integers(0, 120), st.sampled_from(list(Unit)))
def test_more_holidays_never_make_a_deadline_earlier(calendar, extra, start, n, unit):
    more = WorkingCalendar(
        weekend=calendar.weekend, closed={**dict.fromkeys(extra, "extra"), **calendar.closed}
    )
    period = Period(n, unit)
    assert add_period(start, period, more).due >= add_period(start, period, calendar).due


@settings(max_examples=200, deadline=None)
@given(calendars(), dates, amounts)
def test_working_days_between_inverts_add_period(calendar, start, n):
    due = add_period(start, Period(n, Unit.WORKING_DAYS), calendar).due
    assert working_days_between(start, due, calendar) == n


@settings(max_examples=100, deadline=None)
@given(calendars(), dates, amounts)
def test_receipt_on_a_non_working_day_gives_the_working_day_before_s_result(calendar, start, n):
    # Day counting starts at the next working day either way.
    previous = start - timedelta(days=1)
    if calendar.is_working_day(start):
        return
    period = Period(n, Unit.WORKING_DAYS)
    assert add_period(start, period, calendar).due == add_period(previous, period, calendar).due
