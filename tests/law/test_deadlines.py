"""The counting rules of law-31-13.md § 2 and § 3, against the real Moroccan calendar.

Expected dates were worked out by hand on a paper calendar of 2026-2028; the
Islamic holidays are the estimates shipped as proposals (Eid al-Fitr 20-21
March 2026, Eid al-Adha 27-28 May 2026, 1 Muharram 16 June 2026, Mawlid 25-26
August 2026; Eid al-Fitr 9-10 March 2027, Eid al-Adha 16-17 May 2027).
"""

from __future__ import annotations

from datetime import date

import pytest

from ati.law.data import holiday_rows
from ati.law.deadlines import (
    Period,
    Unit,
    WorkingCalendar,
    add_period,
    resume_after_pause,
    working_days_between,
)

WD, CD, MO = Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.MONTHS


@pytest.fixture(scope="module")
def morocco() -> WorkingCalendar:
    closed = {row["date"]: row["label_fr"] for row in holiday_rows("ma", range(2025, 2029))}
    return WorkingCalendar(weekend=frozenset({5, 6}), closed=closed)


def due(calendar: WorkingCalendar, start: date, amount: int, unit: Unit = WD) -> date:
    return add_period(start, Period(amount, unit), calendar).due


def test_the_issue_example_twenty_working_days_from_friday_30_october_2026(morocco):
    deadline = add_period(date(2026, 10, 30), Period(20, WD), morocco)
    assert deadline.due == date(2026, 12, 1)
    assert [d for d, _ in deadline.skipped] == [date(2026, 11, 6), date(2026, 11, 18)]
    assert deadline.explanation("en") == (
        "20 working days from Friday 30 October 2026, skipping 6 and 18 November "
        "(holidays): due Tuesday 1 December 2026"
    )
    assert deadline.explanation("fr") == (
        "20 jours ouvrables à compter du vendredi 30 octobre 2026, sans compter les "
        "6 et 18 novembre (jours fériés) : échéance le mardi 1er décembre 2026"
    )
    assert deadline.explanation("ar") == (
        "20 يوم عمل ابتداءً من الجمعة 30 أكتوبر 2026، دون احتساب 6 و18 نونبر (عطل): "
        "آخر أجل الثلاثاء 1 دجنبر 2026"
    )


# Every fixed and Islamic holiday that falls on a weekday: one working day
# counted from the working day before it lands on the working day after it.
EVERY_HOLIDAY = [
    ("new_year", date(2025, 12, 31), date(2026, 1, 2)),
    ("independence_manifesto", date(2027, 1, 8), date(2027, 1, 12)),
    ("amazigh_new_year", date(2026, 1, 13), date(2026, 1, 15)),
    ("eid_al_fitr", date(2026, 3, 19), date(2026, 3, 23)),
    ("labour_day", date(2026, 4, 30), date(2026, 5, 4)),
    ("eid_al_adha", date(2026, 5, 26), date(2026, 5, 29)),
    ("islamic_new_year", date(2026, 6, 15), date(2026, 6, 17)),
    ("throne_day", date(2026, 7, 29), date(2026, 7, 31)),
    ("oued_eddahab", date(2026, 8, 13), date(2026, 8, 17)),
    ("revolution_and_youth_days", date(2026, 8, 19), date(2026, 8, 24)),
    ("mawlid", date(2026, 8, 24), date(2026, 8, 27)),
    ("unity_day", date(2028, 10, 30), date(2028, 11, 1)),
    ("green_march", date(2026, 11, 5), date(2026, 11, 9)),
    ("independence_day", date(2026, 11, 17), date(2026, 11, 19)),
    ("eid_al_fitr_2027", date(2027, 3, 8), date(2027, 3, 11)),
    ("eid_al_adha_2027", date(2027, 5, 14), date(2027, 5, 18)),
]


@pytest.mark.parametrize(("holiday", "start", "expected"), EVERY_HOLIDAY, ids=lambda v: str(v))
def test_every_holiday_is_skipped(morocco, holiday, start, expected):
    assert due(morocco, start, 1) == expected


def test_unity_day_is_not_a_holiday_before_2026(morocco):
    assert morocco.is_working_day(date(2025, 10, 31))
    assert not morocco.is_working_day(date(2028, 10, 31))


def test_amazigh_new_year_is_a_holiday_since_2024():
    closed = {row["date"] for row in holiday_rows("ma", [2023, 2024])}
    assert date(2023, 1, 14) not in closed
    assert date(2024, 1, 14) in closed


def test_deadline_skips_throne_day(morocco):
    # Mon 27 July 2026 + 5: 28, 29, (30 Throne Day), 31 July, 3, 4 August.
    assert due(morocco, date(2026, 7, 27), 5) == date(2026, 8, 4)


def test_deadline_skips_a_run_of_august_holidays(morocco):
    # 14 Aug, 20-21 Aug and the Mawlid 25-26 Aug 2026 all fall on weekdays.
    deadline = add_period(date(2026, 8, 13), Period(5, WD), morocco)
    assert deadline.due == date(2026, 8, 27)
    assert len(deadline.skipped) == 5


WEEKENDS_AND_RECEIPT = [
    # (received, working days, due)
    (date(2026, 9, 4), 20, date(2026, 10, 2)),  # Friday, no holiday on the way
    (date(2026, 9, 4), 3, date(2026, 9, 9)),
    (date(2026, 9, 5), 3, date(2026, 9, 9)),  # Saturday
    (date(2026, 9, 6), 3, date(2026, 9, 9)),  # Sunday
    (date(2026, 9, 7), 3, date(2026, 9, 10)),  # Monday
    (date(2026, 9, 11), 1, date(2026, 9, 14)),  # Friday + 1 is Monday
]


@pytest.mark.parametrize(("received", "amount", "expected"), WEEKENDS_AND_RECEIPT)
def test_weekends_are_not_counted(morocco, received, amount, expected):
    assert due(morocco, received, amount) == expected


def test_receipt_on_a_saturday_counts_from_monday(morocco):
    # Monday 7 September 2026 is the first day counted: day 1.
    assert due(morocco, date(2026, 9, 5), 1) == date(2026, 9, 7)
    assert due(morocco, date(2026, 9, 5), 20) == due(morocco, date(2026, 9, 4), 20)


def test_receipt_on_a_holiday_gives_the_same_result_as_the_working_day_before(morocco):
    assert due(morocco, date(2026, 11, 18), 1) == date(2026, 11, 19)
    assert due(morocco, date(2026, 11, 18), 20) == due(morocco, date(2026, 11, 17), 20)
    # 31 October 2026 is both Unity Day and a Saturday.
    assert due(morocco, date(2026, 10, 31), 20) == date(2026, 12, 1)


def test_the_year_boundary(morocco):
    # Mon 21 Dec 2026 + 10: 22-25, 28-31 Dec (8), 1 Jan 2027 is a holiday, 4 and 5 Jan.
    assert due(morocco, date(2026, 12, 21), 10) == date(2027, 1, 5)
    deadline = add_period(date(2026, 12, 31), Period(20, WD), morocco)
    assert deadline.due == date(2027, 2, 2)
    assert [d for d, _ in deadline.skipped] == [
        date(2027, 1, 1),
        date(2027, 1, 11),
        date(2027, 1, 14),
    ]
    assert "1er, 11 et 14 janvier" in deadline.explanation("fr")


def test_urgent_requests_have_three_working_days_extendable_once_by_three(morocco):
    # Thu 19 March 2026, the eve of Eid al-Fitr (Fri 20, Sat 21).
    first = add_period(date(2026, 3, 19), Period(3, WD), morocco)
    assert first.due == date(2026, 3, 25)
    assert add_period(first.due, Period(3, WD), morocco).due == date(2026, 3, 30)


def test_extension_counts_from_the_original_due_date(morocco):
    original = add_period(date(2026, 10, 30), Period(20, WD), morocco)
    extended = add_period(original.due, Period(20, WD), morocco)
    assert extended.due == date(2026, 12, 29)
    assert extended.due == due(morocco, date(2026, 10, 30), 40)


def test_clarification_restarts_the_period_from_the_answer(morocco):
    # Received Fri 4 Sep 2026, clarification asked Wed 9 Sep, answered Mon 14 Sep.
    assert due(morocco, date(2026, 9, 14), 20) == date(2026, 10, 12)


def test_clarification_resume_deducts_the_days_already_used(morocco):
    deadline = resume_after_pause(
        date(2026, 9, 4), date(2026, 9, 9), date(2026, 9, 14), Period(20, WD), morocco
    )
    # 7, 8 and 9 September were used: 17 working days remain from 14 September.
    assert deadline.pause is not None and deadline.pause.used == 3
    assert deadline.period == Period(17, WD)
    assert deadline.due == date(2026, 10, 7)
    assert deadline.explanation("en").startswith(
        "Clock paused on Wednesday 9 September 2026 after 3 of 20 working days"
    )


def test_resume_after_a_pause_on_the_last_day_is_due_on_the_answer_day(morocco):
    deadline = resume_after_pause(
        date(2026, 9, 4), date(2026, 10, 2), date(2026, 10, 5), Period(20, WD), morocco
    )
    assert deadline.due == date(2026, 10, 5)


def test_resume_for_calendar_days_pushes_the_end_back_by_the_pause(morocco):
    deadline = resume_after_pause(
        date(2026, 9, 1), date(2026, 9, 10), date(2026, 9, 20), Period(30, CD), morocco
    )
    # 1 Oct + 10 days of pause = Sun 11 Oct, moved to Mon 12 Oct.
    assert deadline.due == date(2026, 10, 12)


def test_working_days_between_counts_the_end_and_not_the_start(morocco):
    assert working_days_between(date(2026, 10, 30), date(2026, 12, 1), morocco) == 20
    assert working_days_between(date(2026, 9, 4), date(2026, 9, 4), morocco) == 0
    assert working_days_between(date(2026, 9, 7), date(2026, 9, 4), morocco) == 0


CALENDAR_DAYS = [
    # (start, days, due): a period ending on a closed day moves to the next working day.
    (date(2026, 11, 4), 30, date(2026, 12, 4)),
    (date(2026, 11, 5), 30, date(2026, 12, 7)),  # Sat 5 Dec -> Mon 7 Dec
    (date(2026, 7, 19), 11, date(2026, 7, 31)),  # Throne Day 30 July -> 31 July
    (date(2026, 3, 18), 2, date(2026, 3, 23)),  # Eid al-Fitr + weekend
]


@pytest.mark.parametrize(("start", "days", "expected"), CALENDAR_DAYS)
def test_calendar_day_periods_end_on_a_working_day(morocco, start, days, expected):
    assert due(morocco, start, days, CD) == expected


def test_a_moved_calendar_day_deadline_says_so(morocco):
    deadline = add_period(date(2026, 11, 5), Period(30, CD), morocco)
    assert deadline.nominal_due == date(2026, 12, 5)
    assert "samedi 5 décembre 2026, jour non ouvrable" in deadline.explanation("fr")


def test_months_are_counted_date_to_date_and_clamped_to_short_months():
    plain = WorkingCalendar()
    assert due(plain, date(2026, 3, 10), 1, MO) == date(2026, 4, 10)
    # 31 Jan + 1 month = Sat 28 Feb 2026 -> Mon 2 March.
    assert due(plain, date(2026, 1, 31), 1, MO) == date(2026, 3, 2)
    assert due(plain, date(2027, 11, 30), 2, MO) == date(2028, 1, 31)


def test_zero_working_days_is_due_on_the_next_working_day(morocco):
    assert due(morocco, date(2026, 9, 4), 0) == date(2026, 9, 4)
    assert due(morocco, date(2026, 9, 5), 0) == date(2026, 9, 7)


def test_a_friday_and_saturday_weekend_is_respected():
    # Some deployments rest on Friday and Saturday.
    calendar = WorkingCalendar(weekend=frozenset({4, 5}))
    assert due(calendar, date(2026, 9, 3), 1) == date(2026, 9, 6)  # Thursday -> Sunday


def test_a_week_without_working_days_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar(weekend=frozenset(range(7)))


def test_working_calendars_compare_by_value():
    a = WorkingCalendar(closed={date(2026, 1, 1): "x"})
    b = WorkingCalendar(closed={date(2026, 1, 1): "x"})
    assert a == b and hash(a) == hash(b)
    assert a != WorkingCalendar()


def test_twenty_years_are_computed_without_walking_day_by_day(morocco):
    # About 5,200 working days: the engine jumps by weeks and bisects holidays.
    far = add_period(date(2026, 1, 1), Period(5200, WD), morocco)
    assert working_days_between(date(2026, 1, 1), far.due, morocco) == 5200
