"""The deadline engine over the historical models of a data migration.

A migration sees the models as they were when it was written, without their
methods: these helpers read the few fields the engine needs (a calendar's
weekend and closures, a profile version's periods) and so let a migration
rebuild how a stored due date was computed (``Deadline.as_data``).
"""

from __future__ import annotations

from typing import Any

from .deadlines import Period, Unit, WorkingCalendar


class Calendars:
    """The WorkingCalendar of each historical Calendar, built once per migration."""

    def __init__(self, holiday_model: Any) -> None:
        self.holidays = holiday_model
        self.built: dict[int, WorkingCalendar] = {}

    def __call__(self, calendar: Any) -> WorkingCalendar:
        if calendar.pk not in self.built:
            closed: dict[Any, str] = {}
            rows = (
                self.holidays.objects.filter(calendar_id=calendar.pk)
                .exclude(status="cancelled")
                .order_by("date", "key")
                .values_list("date", "label_fr")
            )
            for day, label in rows:
                closed[day] = f"{closed[day]}; {label}" if day in closed else label
            weekend = frozenset(int(x) for x in calendar.weekend.split(",") if x.strip())
            self.built[calendar.pk] = WorkingCalendar(weekend=weekend, closed=closed)
        return self.built[calendar.pk]


def period(version: Any, name: str) -> Period | None:
    """``version.optional_period(name)`` on a historical LegalProfileVersion."""
    amount = getattr(version, f"{name}_amount")
    if amount is None:
        return None
    return Period(amount, Unit(getattr(version, f"{name}_unit")))
