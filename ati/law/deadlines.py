"""Deadline arithmetic: pure functions over dates, no database and no models.

Counting convention (docs/law-31-13 § 2, the one every test agrees on)
--------------------------------------------------------------------
* **Working days.** The day of receipt is not counted. The deadline falls at
  the end of the Nth working day *after* it. A request received on a
  non-working day (a Saturday, a holiday) therefore gives the same due date
  as one received on the working day before it: the first day counted is the
  next working day. A period of 0 working days is due on the start date itself,
  or the next working day if the start date is not one.
* **Calendar days.** Due on ``start + N days``. When that day is not a working
  day, the deadline moves to the next working day. This is what French law
  (Code de procédure civile art. 642, applied to administrative deadlines by
  the Conseil d'État), the Indian General Clauses Act 1897 s. 10 and common
  FOI practice do: a citizen cannot file anything with an office that is
  closed, so an office's closure never shortens a period.
* **Months.** "De date à date": due on the same day number N months later;
  when that month is shorter (31 January + 1 month), on its last day. Then,
  as for calendar days, a non-working day moves to the next working day.
* **Extensions** are counted from the original due date (the caller passes it
  as the start), so adding N then M working days equals adding N + M.
* **Clarification.** "restart": the whole period runs again from the day the
  applicant's answer is received (``add_period(resumed_on, ...)``). "resume":
  the working days already used before the pause (in ``(start, paused_on]``)
  are deducted and the rest is counted from the resume date
  (``resume_after_pause``).

Performance: ``add_period`` never walks day by day over a long range. Whole
weeks are added arithmetically and the closed dates falling in a range are
counted with ``bisect`` over a sorted tuple; it loops only once per cluster of
holidays that pushed the end further.
"""

from __future__ import annotations

import calendar as _pycalendar
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

__all__ = [
    "Deadline",
    "Period",
    "Unit",
    "WorkingCalendar",
    "add_period",
    "explain_stored",
    "resume_after_pause",
    "working_days_between",
]


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"A period cannot be negative: {self.amount}")
        object.__setattr__(self, "unit", Unit(self.unit))

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}"


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Which days a body is open: a weekly rest plus dated closures.

    ``weekend`` holds Python weekday numbers (Monday = 0); ``closed`` maps each
    holiday or exceptional closure to its label. Instances are immutable,
    hashable and compared by value, so they can key caches.
    """

    weekend: frozenset[int] = frozenset({5, 6})
    closed: Mapping[date, str] = field(default_factory=dict)
    # Closed dates that fall on an otherwise working weekday, sorted: the only
    # ones that change a working-day count.
    _closed_weekdays: tuple[date, ...] = field(init=False, repr=False)
    _key: tuple[object, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        weekend = frozenset(int(d) for d in self.weekend)
        if not weekend <= set(range(7)) or len(weekend) == 7:
            raise ValueError(f"A week needs at least one working day: {sorted(weekend)}")
        closed = MappingProxyType(dict(self.closed))
        object.__setattr__(self, "weekend", weekend)
        object.__setattr__(self, "closed", closed)
        object.__setattr__(
            self,
            "_closed_weekdays",
            tuple(sorted(d for d in closed if d.weekday() not in weekend)),
        )
        object.__setattr__(self, "_key", (weekend, tuple(sorted(closed.items()))))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkingCalendar) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    @property
    def open_weekdays_per_week(self) -> int:
        return 7 - len(self.weekend)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() not in self.weekend and d not in self.closed

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, otherwise the next one."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    # --- building blocks (intervals are half-open: (start, end]) ---------------
    def _weekdays_between(self, start: date, end: date) -> int:
        """Open weekdays (ignoring holidays) in (start, end]."""
        if end <= start:
            return 0
        days = (end - start).days
        weeks, rest = divmod(days, 7)
        count = weeks * self.open_weekdays_per_week
        wd = start.weekday()
        for i in range(1, rest + 1):
            if (wd + i) % 7 not in self.weekend:
                count += 1
        return count

    def _closed_between(self, start: date, end: date) -> int:
        """Closed weekdays in (start, end]."""
        return bisect_right(self._closed_weekdays, end) - bisect_right(self._closed_weekdays, start)

    def _add_weekdays(self, start: date, n: int) -> date:
        """The nth open weekday after ``start`` (holidays ignored), n >= 1."""
        weeks, rest = divmod(n - 1, self.open_weekdays_per_week)
        d = start + timedelta(weeks=weeks)
        rest += 1
        while rest:
            d += timedelta(days=1)
            if d.weekday() not in self.weekend:
                rest -= 1
        return d

    def closed_weekdays_in(self, start: date, end: date) -> tuple[date, ...]:
        """The closed weekdays in (start, end], in order."""
        lo = bisect_right(self._closed_weekdays, start)
        hi = bisect_right(self._closed_weekdays, end)
        return self._closed_weekdays[lo:hi]

    def closed_in_month(self, year: int, month: int) -> dict[date, str]:
        first = date(year, month, 1)
        last = date(year, month, _pycalendar.monthrange(year, month)[1])
        return {d: label for d, label in self.closed.items() if first <= d <= last}

    def add_working_days(self, start: date, n: int) -> date:
        """The end of the nth working day after ``start`` (see module docstring)."""
        if n <= 0:
            return self.next_working_day(start)
        end, remaining = start, n
        # Each pass adds the days still owed, then owes one more for every
        # holiday that fell inside the range just added.
        while remaining:
            new_end = self._add_weekdays(end, remaining)
            remaining = self._closed_between(end, new_end)
            end = new_end
        return end

    def working_days_between(self, start: date, end: date) -> int:
        if end <= start:
            return 0
        return self._weekdays_between(start, end) - self._closed_between(start, end)


def working_days_between(start: date, end: date, calendar: WorkingCalendar) -> int:
    """Working days in (start, end]; 0 when ``end`` is not after ``start``."""
    return calendar.working_days_between(start, end)


def add_months(start: date, months: int) -> date:
    """Same day number ``months`` later, clamped to the end of a shorter month."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, _pycalendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Pause:
    """A clarification that stopped the clock (profile option "resume")."""

    original_start: date
    paused_on: date
    resumed_on: date
    used: int


@dataclass(frozen=True)
class Deadline:
    """A computed due date and what a person needs to check it by hand.

    ``skipped`` lists the holidays and closures (not weekends) met on the way;
    ``nominal_due`` is the end of a calendar-day or month period before it was
    moved off a non-working day (None when it was not moved).
    """

    start: date
    period: Period
    due: date
    skipped: tuple[tuple[date, str], ...] = ()
    nominal_due: date | None = None
    pause: Pause | None = None

    def explanation(self, language: str = "fr") -> str:
        return explain(self, language)

    def as_data(self) -> dict[str, Any]:
        """The computation's parts, without words: stored with a due date (JSON), so
        that its explanation is written in each reader's language (`from_data`)."""
        return {
            "start": self.start.isoformat(),
            "period": [self.period.amount, self.period.unit.value],
            "due": self.due.isoformat(),
            "skipped": [[d.isoformat(), label] for d, label in self.skipped],
            "nominal_due": self.nominal_due.isoformat() if self.nominal_due else None,
            "pause": None
            if self.pause is None
            else {
                "original_start": self.pause.original_start.isoformat(),
                "paused_on": self.pause.paused_on.isoformat(),
                "resumed_on": self.pause.resumed_on.isoformat(),
                "used": self.pause.used,
            },
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Deadline:
        pause = data.get("pause")
        nominal = data.get("nominal_due")
        return cls(
            start=date.fromisoformat(data["start"]),
            period=Period(int(data["period"][0]), Unit(data["period"][1])),
            due=date.fromisoformat(data["due"]),
            skipped=tuple((date.fromisoformat(d), str(label)) for d, label in data["skipped"]),
            nominal_due=date.fromisoformat(nominal) if nominal else None,
            pause=None
            if not pause
            else Pause(
                original_start=date.fromisoformat(pause["original_start"]),
                paused_on=date.fromisoformat(pause["paused_on"]),
                resumed_on=date.fromisoformat(pause["resumed_on"]),
                used=int(pause["used"]),
            ),
        )


def explain_stored(basis: Mapping[str, Any] | None, text: str, language: str) -> str:
    """A stored due date's explanation in ``language``: from its data when it has some,
    else the sentence stored with it (older rows whose computation could not be rebuilt)."""
    if basis:
        return Deadline.from_data(basis).explanation(language)
    return text


def add_period(start: date, period: Period, calendar: WorkingCalendar) -> Deadline:
    """When a period that starts on ``start`` ends, by the convention above."""
    if period.unit == Unit.WORKING_DAYS:
        due = calendar.add_working_days(start, period.amount)
        skipped = tuple((d, calendar.closed[d]) for d in calendar.closed_weekdays_in(start, due))
        return Deadline(start, period, due, skipped)
    if period.unit == Unit.CALENDAR_DAYS:
        nominal = start + timedelta(days=period.amount)
    else:
        nominal = add_months(start, period.amount)
    due = calendar.next_working_day(nominal)
    if due == nominal:
        return Deadline(start, period, due)
    skipped = tuple(
        (d, calendar.closed[d]) for d in calendar.closed_weekdays_in(nominal - timedelta(1), due)
    )
    return Deadline(start, period, due, skipped, nominal_due=nominal)


def resume_after_pause(
    original_start: date,
    paused_on: date,
    resumed_on: date,
    period: Period,
    calendar: WorkingCalendar,
) -> Deadline:
    """The due date when the clock resumes rather than restarts.

    Working days: the days used in (original_start, paused_on] are deducted and
    the remainder is counted from ``resumed_on``. Calendar days and months: the
    original nominal end is pushed back by the length of the pause.
    """
    if resumed_on < paused_on:
        raise ValueError("The clock cannot resume before it was paused")
    if period.unit == Unit.WORKING_DAYS:
        used = min(calendar.working_days_between(original_start, paused_on), period.amount)
        rest = add_period(resumed_on, Period(period.amount - used, period.unit), calendar)
        pause = Pause(original_start, paused_on, resumed_on, used)
        return Deadline(resumed_on, rest.period, rest.due, rest.skipped, pause=pause)
    original = add_period(original_start, period, calendar)
    base = original.nominal_due or original.due
    used = max(0, (paused_on - original_start).days)
    nominal = base + (resumed_on - paused_on)
    due = calendar.next_working_day(nominal)
    remaining = Period(max(0, (nominal - resumed_on).days), Unit.CALENDAR_DAYS)
    skipped = tuple(
        (d, calendar.closed[d]) for d in calendar.closed_weekdays_in(nominal - timedelta(1), due)
    )
    return Deadline(
        resumed_on,
        remaining,
        due,
        skipped,
        nominal_due=nominal if nominal != due else None,
        pause=Pause(original_start, paused_on, resumed_on, used),
    )


# --- Explanations ------------------------------------------------------------
# Explicit wording per language rather than gettext: the sentence is legal
# evidence shown on receipts and in the audit log, so its grammar (French
# "1er", Arabic number agreement, Moroccan month names) is written out here and
# does not depend on a catalogue being compiled.

_MONTHS = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    # The month names used by the Moroccan administration.
    "ar": [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "ماي",
        "يونيو",
        "يوليوز",
        "غشت",
        "شتنبر",
        "أكتوبر",
        "نونبر",
        "دجنبر",
    ],
}
_WEEKDAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "ar": ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"],
}


def _lang(language: str) -> str:
    code = (language or "fr")[:2].lower()
    return code if code in _MONTHS else "fr"


def _day(d: date, lang: str) -> str:
    return "1er" if lang == "fr" and d.day == 1 else str(d.day)


def format_date(d: date, language: str = "fr", *, weekday: bool = True) -> str:
    """ "Friday 30 October 2026" / "vendredi 30 octobre 2026" / "الجمعة 30 أكتوبر 2026"."""
    lang = _lang(language)
    text = f"{_day(d, lang)} {_MONTHS[lang][d.month - 1]} {d.year}"
    return f"{_WEEKDAYS[lang][d.weekday()]} {text}" if weekday else text


def month_name(month: int, language: str = "fr") -> str:
    """The month's name as ati writes it (Moroccan usage in Arabic: "غشت", not "أغسطس")."""
    return _MONTHS[_lang(language)][month - 1]


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    last = {"fr": " et ", "en": " and ", "ar": " و"}[lang]
    sep = "، " if lang == "ar" else ", "
    return sep.join(items[:-1]) + last + items[-1]


def _format_skipped(dates: list[date], lang: str, due_year: int) -> str:
    """ "6 and 18 November": days grouped by month, the year only when it differs."""
    groups: list[tuple[tuple[int, int], list[date]]] = []
    for d in sorted(dates):
        if groups and groups[-1][0] == (d.year, d.month):
            groups[-1][1].append(d)
        else:
            groups.append(((d.year, d.month), [d]))
    parts = []
    for (year, month), days in groups:
        text = f"{_join([_day(d, lang) for d in days], lang)} {_MONTHS[lang][month - 1]}"
        if year != due_year:
            text += f" {year}"
        parts.append(text)
    return _join(parts, lang)


def _amount(period: Period, lang: str) -> str:
    n, unit = period.amount, period.unit
    if lang == "en":
        word = {
            Unit.WORKING_DAYS: ("working day", "working days"),
            Unit.CALENDAR_DAYS: ("calendar day", "calendar days"),
            Unit.MONTHS: ("month", "months"),
        }[unit][n != 1]
        return f"{n} {word}"
    if lang == "fr":
        word = {
            Unit.WORKING_DAYS: ("jour ouvrable", "jours ouvrables"),
            Unit.CALENDAR_DAYS: ("jour calendaire", "jours calendaires"),
            Unit.MONTHS: ("mois", "mois"),
        }[unit][n > 1]
        return f"{n} {word}"
    # Arabic: 1 and 2 have their own forms, 3-10 take the plural, 11+ the singular.
    one, two, plural, many = {
        Unit.WORKING_DAYS: ("يوم عمل واحد", "يوما عمل", "أيام عمل", "يوم عمل"),
        Unit.CALENDAR_DAYS: ("يوم واحد", "يومان", "أيام", "يوما"),
        Unit.MONTHS: ("شهر واحد", "شهران", "أشهر", "شهرا"),
    }[unit]
    if n == 1:
        return one
    if n == 2:
        return two
    return f"{n} {plural if 3 <= n % 100 <= 10 else many}"


def describe_period(period: Period, language: str = "fr") -> str:
    """ "20 jours ouvrables", "20 يوم عمل", "20 working days": a period as the law states it."""
    return _amount(period, _lang(language))


_TEMPLATES = {
    "en": {
        "from": "{amount} from {start}",
        "skipping": ", skipping {days} (holidays)",
        "skipping_one": ", skipping {days} (a holiday)",
        "moved": ", ending on {nominal}, a non-working day",
        "due": ": due {due}",
        "pause": (
            "Clock paused on {paused} after {used} of {total} working days, resumed on {resumed}: "
        ),
        "pause_days": "Clock paused on {paused}, resumed on {resumed}: ",
    },
    "fr": {
        "from": "{amount} à compter du {start}",
        "skipping": ", sans compter les {days} (jours fériés)",
        "skipping_one": ", sans compter le {days} (jour férié)",
        "moved": ", soit le {nominal}, jour non ouvrable",
        "due": " : échéance le {due}",
        "pause": (
            "Délai suspendu le {paused} après {used} jours ouvrables sur {total}, "
            "repris le {resumed} : "
        ),
        "pause_days": "Délai suspendu le {paused}, repris le {resumed} : ",
    },
    "ar": {
        "from": "{amount} ابتداءً من {start}",
        "skipping": "، دون احتساب {days} (عطل)",
        "skipping_one": "، دون احتساب {days} (يوم عطلة)",
        "moved": "، أي {nominal}، وهو يوم عطلة",
        "due": ": آخر أجل {due}",
        "pause": (
            "توقف احتساب الأجل في {paused} بعد مرور {used} من أصل {total} يوم عمل، "
            "واستؤنف في {resumed}: "
        ),
        "pause_days": "توقف احتساب الأجل في {paused} واستؤنف في {resumed}: ",
    },
}


def explain(deadline: Deadline, language: str = "fr") -> str:
    """A sentence a person can check against a paper calendar."""
    lang = _lang(language)
    t = _TEMPLATES[lang]
    text = ""
    if deadline.pause is not None:
        p = deadline.pause
        total = p.used + deadline.period.amount
        key = "pause" if deadline.period.unit == Unit.WORKING_DAYS else "pause_days"
        text += t[key].format(
            paused=format_date(p.paused_on, lang),
            used=p.used,
            total=total,
            resumed=format_date(p.resumed_on, lang),
        )
    text += t["from"].format(
        amount=_amount(deadline.period, lang), start=format_date(deadline.start, lang)
    )
    if deadline.nominal_due is not None:
        text += t["moved"].format(nominal=format_date(deadline.nominal_due, lang))
    if deadline.skipped:
        days = _format_skipped([d for d, _ in deadline.skipped], lang, deadline.due.year)
        key = "skipping_one" if len(deadline.skipped) == 1 else "skipping"
        text += t[key].format(days=days)
    text += t["due"].format(due=format_date(deadline.due, lang))
    return text
