"""Reading the law: profiles, their current version, calendars and schedules."""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from .deadlines import Deadline, Period, WorkingCalendar, add_period
from .models import Calendar, ExceptionGround, Holiday, HolidayStatus, LegalProfileVersion


class UnknownProfile(LookupError):
    """No legal profile has this code."""


def _versions() -> Any:
    return LegalProfileVersion.objects.select_related("profile", "calendar")


def _current(queryset: Any, on: date | None) -> LegalProfileVersion | None:
    on = on or timezone.localdate()
    # The latest version in force on that day; a profile whose versions all
    # start later (a date typed before the law) falls back to its first.
    return (
        queryset.filter(valid_from__lte=on).order_by("-valid_from", "-version").first()
        or queryset.order_by("valid_from", "version").first()
    )


#: The version in force per (profile, day), kept by each process: every submission asks
#: for it. A change of versions or profiles in this process is seen at once (signals,
#: ati/law/apps.py); another process sees it within VERSIONS_TTL seconds (versions are
#: published ahead of the day they come into force).
VERSIONS_TTL = 30.0
_versions_kept: dict[tuple[str, date], tuple[float, LegalProfileVersion]] = {}


def forget_versions(*args: Any, **kwargs: Any) -> None:
    _versions_kept.clear()


def current_version(code: str, on: date | None = None) -> LegalProfileVersion:
    """The profile's version in force on `on` (today), with its profile; its calendar is
    read afresh when first used (or held: `hold_calendar`), never from the kept copy."""
    on = on or timezone.localdate()
    now = time.monotonic()
    kept = _versions_kept.get((code, on))
    if kept is None or now - kept[0] > VERSIONS_TTL:
        version = _current(
            LegalProfileVersion.objects.select_related("profile").filter(profile__code=code), on
        )
        if version is None:
            raise UnknownProfile(f"Unknown legal profile: {code!r}")
        if len(_versions_kept) > 1000:  # many days asked (a back-dated import): start afresh
            _versions_kept.clear()
        _versions_kept[(code, on)] = kept = (now, version)
    # A copy per caller: callers set its calendar (the one they hold) and save rows with it.
    return copy.copy(kept[1])


def default_profile_version(on: date | None = None) -> LegalProfileVersion:
    version = _current(_versions().filter(profile__is_default=True), on)
    if version is None:
        return current_version("ma-31-13", on)
    return version


def profile_versions() -> list[LegalProfileVersion]:
    """The current version of every profile, default first (for selects)."""
    seen: dict[int, LegalProfileVersion] = {}
    today = timezone.localdate()
    for version in _versions().order_by("-profile__is_default", "profile__code", "-version"):
        if version.profile_id not in seen and version.valid_from <= today:
            seen[version.profile_id] = version
    return list(seen.values())


def exception_grounds(version: LegalProfileVersion) -> list[ExceptionGround]:
    return list(version.grounds.all())


# --- Calendars ---------------------------------------------------------------
_cache: dict[int, tuple[tuple[int, Any], WorkingCalendar]] = {}
_cache_lock = threading.Lock()


def working_calendar(calendar_or_version: Calendar | LegalProfileVersion) -> WorkingCalendar:
    """The calendar as the pure engine needs it, cached per process.

    The cache is keyed by the calendar's ``stamp`` and ``updated_at``, which
    every calendar service changes: a process holding an older WorkingCalendar
    rebuilds it the first time it sees a freshly loaded Calendar. The time is
    part of the key because a rolled-back change may have used the same stamp.
    """
    calendar = (
        calendar_or_version.calendar
        if isinstance(calendar_or_version, LegalProfileVersion)
        else calendar_or_version
    )
    version = (calendar.stamp, calendar.updated_at)
    cached = _cache.get(calendar.pk)
    if cached is not None and cached[0] == version:
        return cached[1]
    closed: dict[date, str] = {}
    rows = (
        Holiday.objects.filter(calendar_id=calendar.pk)
        .exclude(status=HolidayStatus.CANCELLED)
        .order_by("date", "key")
        .values_list("date", "label_fr")
    )
    for day, label in rows:
        closed[day] = f"{closed[day]}; {label}" if day in closed else label
    built = WorkingCalendar(weekend=calendar.weekend_days, closed=closed)
    with _cache_lock:
        _cache[calendar.pk] = (version, built)
    return built


def hold_calendar(calendar_id: int) -> Calendar:
    """The calendar, read afresh and held (shared) until the caller's transaction ends.

    Called first by a transaction that stores due dates computed from a calendar
    (a submission, a transfer) or counts with one (the deadline sweep). A
    calendar change locks the same row exclusively before anything else
    (`ati.law.services`): it waits for those transactions to end, and they wait
    for it, so no due date is computed from a calendar being changed, and the
    recompute of open due dates sees every request stored before it. The
    returned row is fresh, so `working_calendar` rebuilds a stale cache entry.

    PostgreSQL: ``FOR SHARE`` (holders do not wait for each other). SQLite
    runs one writing transaction at a time (``BEGIN IMMEDIATE``): a plain read.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("hold_calendar() needs a transaction to hold it")
    if connection.vendor == "postgresql":
        # Held and read in one statement.
        table = connection.ops.quote_name(Calendar._meta.db_table)
        sql = f"SELECT * FROM {table} WHERE id = %s FOR SHARE"  # noqa: S608 - the model's table
        for calendar in Calendar.objects.raw(sql, [calendar_id]):
            return calendar
        raise Calendar.DoesNotExist(calendar_id)
    return Calendar.objects.get(pk=calendar_id)


def clear_calendar_cache() -> None:
    with _cache_lock:
        _cache.clear()


def month_holidays(calendar: Calendar, year: int, month: int) -> list[Holiday]:
    return list(
        Holiday.objects.filter(calendar=calendar, date__year=year, date__month=month)
        .exclude(status=HolidayStatus.CANCELLED)
        .order_by("date")
    )


# --- Schedules ---------------------------------------------------------------
@dataclass(frozen=True)
class Schedule:
    """Every date a request received on ``received`` may meet, if nobody acts early.

    The appeal windows assume the worst case at each step: the body stays
    silent until ``response_due`` (no extension), the applicant complains on
    the last day of each window and every authority answers on its last day.
    The request lifecycle recomputes them from the real events.
    """

    version: LegalProfileVersion
    received: date
    urgent: bool
    response_due: Deadline
    extended_response_due: Deadline | None
    complaint_window_end: Deadline | None
    head_decision_due: Deadline | None
    commission_window_end: Deadline | None
    commission_decision_due: Deadline | None
    court_window_end: Deadline | None

    STEPS = (
        "response_due",
        "extended_response_due",
        "complaint_window_end",
        "head_decision_due",
        "commission_window_end",
        "commission_decision_due",
        "court_window_end",
    )

    def steps(self) -> list[tuple[str, Deadline]]:
        return [
            (name, deadline) for name in self.STEPS if (deadline := getattr(self, name)) is not None
        ]

    def explanation(self, language: str = "fr") -> str:
        return self.response_due.explanation(language)

    def as_dict(self, language: str = "fr") -> dict[str, Any]:
        data: dict[str, Any] = {
            "profile": self.version.profile.code,
            "profile_version": self.version.version,
            "received": self.received.isoformat(),
            "urgent": self.urgent,
        }
        for name in self.STEPS:
            deadline = getattr(self, name)
            data[name] = deadline.due.isoformat() if deadline is not None else None
        data["explanation"] = self.explanation(language)
        data["explanations"] = {
            name: deadline.explanation(language) for name, deadline in self.steps()
        }
        return data


def request_schedule(
    version: LegalProfileVersion, received: date, *, urgent: bool = False
) -> Schedule:
    calendar = working_calendar(version)

    # A profile without an urgent procedure treats urgent requests as ordinary ones.
    response_period = (urgent and version.optional_period("urgent_response")) or version.period(
        "response"
    )
    response_due = add_period(received, response_period, calendar)
    extension: Period | None = None
    if version.max_extensions:
        extension = (urgent and version.optional_period("urgent_extension")) or (
            version.optional_period("extension")
        )
    extended = None
    if extension is not None:
        # An extension counts from the original due date; several are chained.
        extended = response_due
        for _ in range(version.max_extensions):
            extended = add_period(extended.due, extension, calendar)

    def step(previous: Deadline, name: str) -> Deadline | None:
        period = version.optional_period(name)
        return add_period(previous.due, period, calendar) if period else None

    complaint = step(response_due, "complaint_window")
    head = step(complaint, "head_decision") if complaint else None
    commission_from = head or complaint or response_due
    commission = step(commission_from, "commission_window")
    decision = step(commission, "commission_decision") if commission else None
    court_from = decision or commission or head or complaint or response_due
    court = step(court_from, "court_window")
    return Schedule(
        version=version,
        received=received,
        urgent=urgent,
        response_due=response_due,
        extended_response_due=extended,
        complaint_window_end=complaint,
        head_decision_due=head,
        commission_window_end=commission,
        commission_decision_due=decision,
        court_window_end=court,
    )
