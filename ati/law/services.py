"""Changing a calendar: each use case checks, writes, audits and recomputes.

Every function here changes which days count, so every open deadline on that
calendar may move. The change, its audit event, the calendar's stamp and the
recomputation of open due dates happen in one transaction: either the new
calendar and the due dates it implies are both stored, or neither is.

Locks, in this order, like every other transaction (so that none waits in a
circle): the calendar row first (exclusive; whoever computes due dates from it
holds it shared, see `selectors.hold_calendar`), then the holiday, then the
open requests (the recompute locks them), and the audit chain's head last.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ati.accounts import permissions
from ati.audit.services import record, snapshot

from . import data
from .models import Calendar, Holiday, HolidayKind, HolidayStatus
from .recompute import recompute_open_deadlines

HOLIDAY_FIELDS = ["key", "date", "label_fr", "label_ar", "label_en", "kind", "status"]


def _check(actor: Any) -> None:
    if not permissions.can_manage_calendar(actor):
        raise PermissionDenied(_("Only an administrator may change the calendar."))


def _lock_calendar(calendar_id: int) -> Calendar:
    """Take the calendar before anything else: see the module's docstring."""
    return Calendar.objects.select_for_update().get(pk=calendar_id)


def _changed(calendar: Calendar, actor: Any, reason: str) -> int:
    """Bump the stamp (invalidating every process's cache) and recompute open deadlines."""
    Calendar.objects.filter(pk=calendar.pk).update(stamp=F("stamp") + 1, updated_at=timezone.now())
    calendar.refresh_from_db(fields=["stamp", "updated_at"])
    return recompute_open_deadlines(calendar, actor, reason)


def _save(
    actor: Any, holiday: Holiday, action: str, reason: str, before: dict[str, Any] | None
) -> int:
    holiday.full_clean()
    holiday.save()
    # The due dates first (their rows are locked there), the holiday's audit event
    # after: the audit chain's head is always the last lock a transaction takes.
    changed = _changed(holiday.calendar, actor, reason or action)
    record(
        action,
        actor=actor,
        obj=holiday,
        before=before,
        after=snapshot(holiday, HOLIDAY_FIELDS),
        reason=reason,
    )
    return changed


def confirm_holiday(actor: Any, holiday: Holiday, reason: str = "") -> int:
    """Confirm a proposed date as announced. Returns how many due dates changed."""
    _check(actor)
    with transaction.atomic():
        _lock_calendar(holiday.calendar_id)
        holiday = Holiday.objects.select_for_update().select_related("calendar").get(pk=holiday.pk)
        before = snapshot(holiday, HOLIDAY_FIELDS)
        holiday.status = HolidayStatus.CONFIRMED
        return _save(actor, holiday, "holiday.confirmed", reason, before)


def move_holiday(actor: Any, holiday: Holiday, new_date: date, reason: str) -> int:
    """Move a holiday to the date announced (moon sighting); it is then confirmed."""
    _check(actor)
    if not reason:
        raise ValidationError(_("Say why the holiday moves (e.g. the announcement)."))
    with transaction.atomic():
        _lock_calendar(holiday.calendar_id)
        holiday = Holiday.objects.select_for_update().select_related("calendar").get(pk=holiday.pk)
        before = snapshot(holiday, HOLIDAY_FIELDS)
        holiday.date = new_date
        holiday.status = HolidayStatus.CONFIRMED
        return _save(actor, holiday, "holiday.moved", reason, before)


def add_closure(
    actor: Any,
    calendar: Calendar,
    day: date,
    *,
    label_fr: str,
    label_ar: str = "",
    label_en: str = "",
    kind: str = HolidayKind.CLOSURE,
    reason: str = "",
) -> tuple[Holiday, int]:
    """Add an exceptional closure (or a holiday the data lacked)."""
    _check(actor)
    with transaction.atomic():
        _lock_calendar(calendar.pk)
        holiday = Holiday(
            calendar=calendar,
            key=f"{kind}-{day.isoformat()}-{Holiday.objects.filter(calendar=calendar).count()}",
            date=day,
            label_fr=label_fr,
            label_ar=label_ar,
            label_en=label_en,
            kind=kind,
            status=HolidayStatus.CONFIRMED,
        )
        changed = _save(actor, holiday, "holiday.added", reason, None)
        return holiday, changed


def update_holiday(actor: Any, holiday: Holiday, reason: str = "admin") -> int:
    """Save an edited holiday (labels, date, status), as the admin form does."""
    _check(actor)
    with transaction.atomic():
        _lock_calendar(holiday.calendar_id)
        old = Holiday.objects.select_for_update().get(pk=holiday.pk)
        before = snapshot(old, HOLIDAY_FIELDS)
        action = "holiday.moved" if old.date != holiday.date else "holiday.changed"
        return _save(actor, holiday, action, reason, before)


def remove_holiday(actor: Any, holiday: Holiday, reason: str) -> int:
    """Cancel a holiday. The row stays, so proposing its year again will not restore it."""
    _check(actor)
    with transaction.atomic():
        _lock_calendar(holiday.calendar_id)
        holiday = Holiday.objects.select_for_update().select_related("calendar").get(pk=holiday.pk)
        before = snapshot(holiday, HOLIDAY_FIELDS)
        holiday.status = HolidayStatus.CANCELLED
        return _save(actor, holiday, "holiday.removed", reason, before)


def propose_islamic_holidays(
    actor: Any, calendar: Calendar, year: int, reason: str = ""
) -> tuple[list[Holiday], int]:
    """Add the estimated Islamic holidays of ``year`` that the calendar does not have yet.

    Holidays already there (proposed, confirmed, moved or cancelled) are left
    alone: an administrator's decision is never overwritten by an estimate.
    Returns the new holidays and how many due dates changed.
    """
    _check(actor)
    with transaction.atomic():
        _lock_calendar(calendar.pk)
        existing = set(Holiday.objects.filter(calendar=calendar).values_list("key", flat=True))
        added = [
            Holiday(calendar=calendar, **row)
            for row in data.islamic_proposals([year])
            if row["key"] not in existing
        ]
        if not added:
            return [], 0
        Holiday.objects.bulk_create(added)
        changed = _changed(calendar, actor, reason or f"Islamic holidays proposed for {year}")
        for holiday in added:
            record(
                "holiday.proposed",
                actor=actor,
                object_type="law.holiday",
                object_id=holiday.key,
                object_repr=str(holiday),
                after=snapshot(holiday, HOLIDAY_FIELDS),
                reason=reason or f"holidays package, {year}",
            )
        return added, changed
