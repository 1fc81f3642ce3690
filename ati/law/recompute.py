"""Recomputing stored due dates after a calendar change, without knowing who stores them.

The calendar services (here) must not import the request app, which depends on
this one. Apps that store due dates register a *holder* in their
``AppConfig.ready``::

    register_deadline_holder(recompute_request_deadlines)

A holder is ``fn(calendar, actor, reason) -> int``: it recomputes the due dates
of its open objects on that calendar, updates the changed ones in bulk, writes
one audit event per changed object, and returns how many changed.
`changed_due_dates` is the bulk helper holders can use.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from .deadlines import Period, WorkingCalendar, add_period

if TYPE_CHECKING:
    from .models import Calendar


class DeadlineHolder(Protocol):
    def __call__(self, calendar: Calendar, actor: Any, reason: str) -> int: ...


_holders: list[DeadlineHolder] = []


def register_deadline_holder(fn: DeadlineHolder) -> DeadlineHolder:
    """Add a holder (once; registering again is a no-op). Usable as a decorator."""
    if fn not in _holders:
        _holders.append(fn)
    return fn


def unregister_deadline_holder(fn: DeadlineHolder) -> None:
    if fn in _holders:
        _holders.remove(fn)


def registered_holders() -> tuple[DeadlineHolder, ...]:
    return tuple(_holders)


def recompute_open_deadlines(calendar: Calendar, actor: Any, reason: str) -> int:
    """Ask every holder to recompute; the number of objects whose due date changed."""
    return sum(holder(calendar, actor, reason) for holder in _holders)


def changed_due_dates(
    rows: Iterable[tuple[Hashable, date, Period, date | None]],
    calendar: WorkingCalendar,
) -> list[tuple[Hashable, date | None, date]]:
    """``(pk, start, period, stored_due)`` rows → ``(pk, old_due, new_due)`` for those that moved.

    Many open requests share a start date and a period, so each distinct pair
    is computed once: 100,000 requests are a few thousand computations.
    """
    memo: dict[tuple[date, Period], date] = {}
    changed = []
    for pk, start, period, old_due in rows:
        key = (start, period)
        new_due = memo.get(key)
        if new_due is None:
            new_due = memo[key] = add_period(start, period, calendar).due
        if new_due != old_due:
            changed.append((pk, old_due, new_due))
    return changed
