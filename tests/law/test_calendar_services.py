"""Changing the calendar: who may, what is audited, and the open deadlines it moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ati.audit.models import AuditEvent
from ati.audit.services import record
from ati.law import services
from ati.law.deadlines import Period, Unit
from ati.law.models import Calendar, Holiday, HolidayStatus, LegalProfileVersion
from ati.law.recompute import (
    changed_due_dates,
    recompute_open_deadlines,
    register_deadline_holder,
    registered_holders,
    unregister_deadline_holder,
)
from ati.law.selectors import working_calendar

pytestmark = pytest.mark.django_db
TWENTY = Period(20, Unit.WORKING_DAYS)


@dataclass
class OpenRequest:
    """Stands in for the request app's model: an open request and its stored due date."""

    pk: int
    received: date
    due: date


@pytest.fixture
def morocco():
    return Calendar.objects.get(code="ma")


@pytest.fixture
def open_requests(morocco):
    """Two requests whose period spans the Mawlid (25-26 Aug 2026), one that does not."""
    calendar = working_calendar(morocco)
    from ati.law.deadlines import add_period

    rows = [
        OpenRequest(1, date(2026, 8, 3), date(1, 1, 1)),
        OpenRequest(2, date(2026, 8, 10), date(1, 1, 1)),
        OpenRequest(3, date(2026, 9, 14), date(1, 1, 1)),
    ]
    for row in rows:
        row.due = add_period(row.received, TWENTY, calendar).due
    return rows


@pytest.fixture
def holder(open_requests):
    """A deadline holder as the request app writes one: bulk, one audit event per change."""
    calls = []

    def recompute(calendar, actor, reason):
        calls.append(calendar.code)
        new_calendar = working_calendar(calendar)
        changes = changed_due_dates(
            ((r.pk, r.received, TWENTY, r.due) for r in open_requests), new_calendar
        )
        by_pk = {r.pk: r for r in open_requests}
        for pk, old, new in changes:
            by_pk[pk].due = new
            record(
                "request.due_date_recomputed",
                actor=actor,
                object_type="test.request",
                object_id=str(pk),
                before={"due": old},
                after={"due": new},
                reason=reason,
            )
        return len(changes)

    register_deadline_holder(recompute)
    yield calls
    unregister_deadline_holder(recompute)


def mawlid_2026(calendar):
    return Holiday.objects.get(calendar=calendar, key="mawlid-1448-1")


def test_holders_register_once_and_are_all_called(morocco):
    seen = []

    def a(calendar, actor, reason):
        seen.append("a")
        return 2

    def b(calendar, actor, reason):
        seen.append("b")
        return 3

    register_deadline_holder(a)
    register_deadline_holder(a)
    register_deadline_holder(b)
    try:
        assert registered_holders().count(a) == 1
        assert recompute_open_deadlines(morocco, None, "test") == 5
        assert seen == ["a", "b"]
    finally:
        unregister_deadline_holder(a)
        unregister_deadline_holder(b)


def test_moving_the_mawlid_recomputes_the_open_deadlines_it_affects(
    morocco, administrator, open_requests, holder
):
    # Proposed for Tue 25 - Wed 26 Aug 2026; announced one day later: Wed 26 - Thu 27.
    # 3 Aug + 20: 14, 20, 21, 25 and 26 August are skipped.
    assert [r.due for r in open_requests] == [
        date(2026, 9, 7),
        date(2026, 9, 14),
        date(2026, 10, 12),
    ]
    first = mawlid_2026(morocco)
    changed = services.move_holiday(
        administrator, first, date(2026, 8, 27), reason="Moon sighting announced on 15 August"
    )
    # Moving day 1 to the 27th: the 25th becomes a working day and the 27th a holiday,
    # so the count is unchanged for requests spanning both.
    assert changed == 0
    # Then day 2 (the 26th) is cancelled: one holiday fewer, one working day earlier.
    services.remove_holiday(administrator, Holiday.objects.get(key="mawlid-1448-2"), "test")
    assert [r.due for r in open_requests] == [
        date(2026, 9, 4),
        date(2026, 9, 11),
        date(2026, 10, 12),
    ]
    events = AuditEvent.objects.filter(action="request.due_date_recomputed")
    assert sorted(e.object_id for e in events) == ["1", "2"]
    assert holder == ["ma", "ma"]


def test_every_calendar_change_is_audited_with_its_reason(morocco, administrator):
    holiday = mawlid_2026(morocco)
    services.move_holiday(administrator, holiday, date(2026, 8, 26), reason="Announcement")
    event = AuditEvent.objects.filter(action="holiday.moved").latest("id")
    assert event.reason == "Announcement"
    assert event.before["date"] == "2026-08-25"
    assert event.after["date"] == "2026-08-26"
    assert event.after["status"] == HolidayStatus.CONFIRMED
    assert event.actor == administrator


def test_confirming_a_proposed_holiday(morocco, administrator):
    holiday = mawlid_2026(morocco)
    assert holiday.status == HolidayStatus.PROPOSED
    services.confirm_holiday(administrator, holiday)
    holiday.refresh_from_db()
    assert holiday.status == HolidayStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="holiday.confirmed").count() == 1


def test_an_exceptional_closure_moves_deadlines_and_the_cache_follows(morocco, administrator):
    before = working_calendar(morocco)
    assert before.is_working_day(date(2026, 9, 7))
    stamp = morocco.stamp
    services.add_closure(
        administrator, morocco, date(2026, 9, 7), label_fr="Fermeture exceptionnelle"
    )
    morocco.refresh_from_db()
    assert morocco.stamp == stamp + 1
    after = working_calendar(Calendar.objects.get(pk=morocco.pk))
    assert not after.is_working_day(date(2026, 9, 7))


def test_a_removed_holiday_no_longer_counts_and_is_not_proposed_again(morocco, administrator):
    holiday = mawlid_2026(morocco)
    services.remove_holiday(administrator, holiday, reason="Not observed")
    assert working_calendar(Calendar.objects.get(pk=morocco.pk)).is_working_day(holiday.date)
    added, _ = services.propose_islamic_holidays(administrator, morocco, 2026)
    assert added == []
    assert Holiday.objects.get(pk=holiday.pk).status == HolidayStatus.CANCELLED


def test_proposing_a_new_year_adds_its_islamic_holidays_once(morocco, administrator):
    Holiday.objects.filter(calendar=morocco, kind="islamic", date__year=2026).delete()
    added, _ = services.propose_islamic_holidays(administrator, morocco, 2026)
    assert {h.key.rsplit("-", 2)[0] for h in added} == {
        "eid-al-fitr",
        "eid-al-adha",
        "islamic-new-year",
        "mawlid",
    }
    assert all(h.status == HolidayStatus.PROPOSED for h in added)
    again, _ = services.propose_islamic_holidays(administrator, morocco, 2026)
    assert again == []


@pytest.mark.parametrize("who", ["officer", "head", "citizen", "commissioner"])
def test_only_an_administrator_may_move_a_holiday(request, morocco, who):
    person = request.getfixturevalue(who)
    holiday = mawlid_2026(morocco)
    with pytest.raises(PermissionDenied):
        services.move_holiday(person, holiday, date(2026, 8, 27), reason="no")
    with pytest.raises(PermissionDenied):
        services.add_closure(person, morocco, date(2026, 9, 7), label_fr="x")
    assert Holiday.objects.get(pk=holiday.pk).date == date(2026, 8, 25)


def test_moving_a_holiday_needs_a_reason(morocco, administrator):
    with pytest.raises(ValidationError):
        services.move_holiday(administrator, mawlid_2026(morocco), date(2026, 8, 27), reason="")


def test_a_failing_recompute_rolls_the_calendar_change_back(morocco, administrator):
    def broken(calendar, actor, reason):
        raise RuntimeError("holder failed")

    register_deadline_holder(broken)
    try:
        with pytest.raises(RuntimeError):
            services.move_holiday(administrator, mawlid_2026(morocco), date(2026, 8, 27), "x")
    finally:
        unregister_deadline_holder(broken)
    assert mawlid_2026(morocco).date == date(2026, 8, 25)
    assert not AuditEvent.objects.filter(action="holiday.moved").exists()


def test_the_admin_confirm_action_goes_through_the_service(client, administrator, morocco):
    from django.urls import reverse

    client.force_login(administrator)
    holiday = mawlid_2026(morocco)
    response = client.post(
        reverse("admin:law_holiday_changelist"),
        {"action": "confirm", "_selected_action": [holiday.pk]},
    )
    assert response.status_code == 302
    assert Holiday.objects.get(pk=holiday.pk).status == HolidayStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="holiday.confirmed", actor=administrator).exists()


def test_moving_a_holiday_in_the_admin_is_audited_as_a_move(client, administrator, morocco):
    from django.urls import reverse

    client.force_login(administrator)
    holiday = mawlid_2026(morocco)
    response = client.post(
        reverse("admin:law_holiday_change", args=[holiday.pk]),
        {
            "date": "2026-08-26",
            "label_fr": holiday.label_fr,
            "label_ar": holiday.label_ar,
            "label_en": holiday.label_en,
            "kind": holiday.kind,
            "status": "confirmed",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Holiday.objects.get(pk=holiday.pk).date == date(2026, 8, 26)
    assert AuditEvent.objects.filter(action="holiday.moved").exists()


def test_admin_pages_for_the_law_open(client, administrator):
    from django.urls import reverse

    client.force_login(administrator)
    version = LegalProfileVersion.objects.get(profile__code="ma-31-13")
    for url in [
        reverse("admin:law_legalprofile_changelist"),
        reverse("admin:law_legalprofileversion_change", args=[version.pk]),
        reverse("admin:law_calendar_changelist"),
        reverse("admin:law_holiday_changelist"),
        reverse("admin:law_exceptionground_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def test_a_rolled_back_change_does_not_leave_a_stale_cached_calendar(morocco, administrator):
    from django.db import transaction

    holiday = mawlid_2026(morocco)

    def peek(calendar, actor, reason):
        working_calendar(Calendar.objects.get(pk=calendar.pk))  # cached inside the transaction
        raise RuntimeError("rolled back")

    register_deadline_holder(peek)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.remove_holiday(administrator, holiday, reason="rolled back")
    finally:
        unregister_deadline_holder(peek)
    # The next change reuses the same stamp number; the cache must still see it.
    services.add_closure(administrator, morocco, date(2026, 9, 7), label_fr="Fermeture")
    fresh = working_calendar(Calendar.objects.get(pk=morocco.pk))
    assert not fresh.is_working_day(holiday.date)
    assert not fresh.is_working_day(date(2026, 9, 7))
